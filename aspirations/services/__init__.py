"""Writes for aspirations (HackSoft style: keyword-only, atomic, side effects explicit).

- `submission.py`: an aspiration from the public form (`aspiration_submit`) or
  recorded by staff for a resident (`aspiration_record`);
- `workflow.py`: the workflow's steps (`aspiration_verify`, `_reject`, `_assign`,
  `_reply`, `_note`, `_resolve`, `_reopen`), under the rules of `aspirations.workflow`;
- `identity.py`: showing a reporter's identity to staff, audited;
- `timeline.py`: the timeline event and the audit entry they all write.

Callers import from here (`from aspirations import services`). Every submission and
workflow service takes `at` (default: now), the moment it happens; only the demo
data (aspirations/demo.py) passes it, to replay a past timeline through the same
rules (the audit entries of such a replay carry the time it ran).
"""

from .identity import aspiration_reveal_identity
from .submission import aspiration_record, aspiration_submit
from .workflow import (
    aspiration_assign,
    aspiration_note,
    aspiration_reject,
    aspiration_reopen,
    aspiration_reply,
    aspiration_resolve,
    aspiration_verify,
    rejection_text,
)

__all__ = [
    "aspiration_assign",
    "aspiration_note",
    "aspiration_record",
    "aspiration_reject",
    "aspiration_reopen",
    "aspiration_reply",
    "aspiration_resolve",
    "aspiration_reveal_identity",
    "aspiration_submit",
    "aspiration_verify",
    "rejection_text",
]
