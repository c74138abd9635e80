"""The playground: a local web page where the note's network trains live on 2-D data,
and every neuron and weight opens the note's equations with the current numbers.

``make_server(host, port)`` returns a standard-library HTTP server; the math runs in
the package's core (``Network.step``, ``Network.backpropagate``), the page only draws.
``backprop playground`` on the command line starts it.
"""

from .server import PlaygroundServer, SessionStore, make_server
from .session import Session
from .settings import LIMITS, RequestError, Settings, check_settings

__all__ = ["make_server", "PlaygroundServer", "SessionStore", "Session", "Settings", "LIMITS", "RequestError", "check_settings"]
