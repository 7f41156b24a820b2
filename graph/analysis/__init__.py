"""Network questions answered over the social fabric: plain functions over networkx graphs."""
