"""Step-by-step explanations: what the core computed, in the note's notation.

``explain(net, x, t)`` records N steps of the core (``trace``), lays them out in the
note's order (``document``) and writes them as text, Markdown, LaTeX or JSON
(``render``, ``Explanation.to_dict``).
"""

from .document import Limits
from .explanation import Explanation, explain

__all__ = ["Explanation", "Limits", "explain"]
