"""The six network questions by key and title, without the code that answers them: the
command line checks its arguments against these, and prints the title of an answer a question
server sent, without loading the analytics (networkx, igraph).
:data:`graph.analysis.engine.CATALOGUE` holds the questions themselves, in this order.
"""

from __future__ import annotations

#: key -> (Dutch title, English title)
QUESTION_TITLES: dict[str, tuple[str, str]] = {
    "bridges": ("Wie houdt het netwerk bij elkaar?", "Who holds the network together?"),
    "isolated": ("Wie staat er alleen?", "Who is isolated?"),
    "unused-strengths": ("Welke krachten blijven onbenut?", "Which strengths go unused?"),
    "opportunities": (
        "Waar liggen kansen voor iets collectiefs?",
        "Where are collective opportunities?",
    ),
    "five-o": (
        "Welke O's doen mee, welke ontbreken?",
        "Which of the five O's take part, which are missing?",
    ),
    "ownership": (
        "Wie trekt de initiatieven: bewoners of professionals?",
        "Who leads the initiatives: residents or professionals?",
    ),
}
QUESTION_KEYS: tuple[str, ...] = tuple(QUESTION_TITLES)
