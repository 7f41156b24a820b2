"""The edges of Wijkgraaf that people and other systems talk to: the command line (and, as it
grows, the HTTP API). Nothing imports this package; it imports the rest."""
