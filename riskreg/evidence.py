"""Where a step of a signing came from: the client's address (through the trusted proxies), its
browser's user agent, and a hash of its session, recorded with the step's audit event.

The session hash ties the steps of one browser together (the page was viewed, the code asked
for and confirmed, the record signed, all in the same session) without recording a key that
could be used to take the session over.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from riskreg.client_ip import client_ip

USER_AGENT_MAX = 500


@dataclass(frozen=True)
class StepOrigin:
    ip: str
    user_agent: str
    session: str

    def payload(self) -> dict[str, Any]:
        return {"ip": self.ip, "user_agent": self.user_agent, "session": self.session}


def step_origin(request: HttpRequest) -> StepOrigin:
    """The origin of the request's step; starts a session for a browser that has none yet, so
    that its first step already names the session its later steps will share."""
    if request.session.session_key is None:
        request.session.save()
        # Saved with nothing in it, the session would not be sent back to the browser.
        request.session.modified = True
    return StepOrigin(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        session=hashlib.sha256(request.session.session_key.encode()).hexdigest(),
    )
