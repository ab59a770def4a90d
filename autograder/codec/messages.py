"""The operations of the judge/worker protocol, in one place.

Requests (judge -> worker): ``load``, ``call``, ``getattr``.
Replies (worker -> judge): ``ready``, ``return``, ``raise``.
Nested request (worker -> judge): ``callback``, answered by ``callback_return``
or ``callback_error``. Calls nest strictly (a callback may itself call the
submission), so each side handles incoming requests while it waits for its
own reply and no request ids are needed.
"""

LOAD = "load"
CALL = "call"
GETATTR = "getattr"
READY = "ready"
RETURN = "return"
RAISE = "raise"
CALLBACK = "callback"
CALLBACK_RETURN = "callback_return"
CALLBACK_ERROR = "callback_error"

HANDLE_TAG = "handle"
CALLBACK_TAG = "callback"
