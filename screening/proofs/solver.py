"""The z3 solver, made safe for the many sessions one Streamlit process serves.

z3 is not thread-safe: terms, solvers and models of one *context* must never be used by two threads
at once, and z3's Python API puts everything in one global context unless told otherwise.  Streamlit
runs every user's session in a thread of the same process, so two workers reaching their result page
at the same moment (explanations) or a rule set being checked while another session explains (proofs)
crashed the whole server (z3 "ASSERTION VIOLATION", segmentation faults).

The rule here: every piece of solver work (one run of the proofs, one explanation) makes a new z3
context with :func:`solving`, makes every term, solver and model in it, and lets none of them
escape (results leave as plain Python: ids, outcome names).  Sessions never share a context, so a
crash of that kind cannot happen whatever order the threads run in.  Python may still finalise a
term in another thread (the cyclic garbage collector runs wherever it is triggered), so each context
has z3's concurrent reference-count release enabled, which is what that case needs.

Measured in ``bench/bench_concurrency.py`` (contexts side by side, one shared context under a lock,
and what is done here: a context per call, explanations one at a time): see the README.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Solving:
    """The z3 module and a context of its own, for one piece of solver work in one thread."""

    z3: Any
    ctx: Any

    def solver(self) -> Any:
        """A new solver in this context (never z3's global one)."""
        return self.z3.Solver(ctx=self.ctx)

    def boolean(self, name: str) -> Any:
        return self.z3.Bool(name, self.ctx)

    def integer(self, value: int) -> Any:
        return self.z3.IntVal(value, self.ctx)


def _new() -> Solving:
    import z3  # deferred: z3 takes a fraction of a second to load and only the solver needs it

    ctx = z3.Context()
    z3.Z3_enable_concurrent_dec_ref(ctx.ref())
    return Solving(z3, ctx)


#: Explanations take their turn: measured with 8 workers reaching their result at once on 2 cores,
#: solving side by side was slower than one at a time (z3's Python layer hands the interpreter lock
#: back and forth on every call), so explanations queue here.  The proofs do not: a rule set taking
#: long to prove must never hold up a worker's result page, and its own context makes that safe.
_turn = threading.RLock()


@contextmanager
def solving(*, take_turn: bool = True) -> Iterator[Solving]:
    """A new z3 context for this block's solver work alone (see the module docstring).

    Nothing made inside may outlive the block except plain Python values.  A context is never
    reused: z3's choice among equally small answers depends on a context's history, and the same
    screening must get the same explanation whichever session, thread or server asks.
    ``take_turn=False`` (the proofs) solves without waiting for other sessions' explanations.
    """
    if not take_turn:
        yield _new()  # freed once the last term made in it is
        return
    with _turn:
        yield _new()
