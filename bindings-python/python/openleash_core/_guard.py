"""The guard: decide before a tool runs, and run it only on ALLOW."""

from __future__ import annotations

import functools
import inspect
import sys
from datetime import datetime
from typing import Any, Callable, Mapping, Optional, TypeVar, Union, cast

from ._errors import ActionNotAllowed
from ._native import Policy, PolicyStack, evaluate
from ._types import Decision

if sys.version_info >= (3, 10):
    from typing import ParamSpec
else:
    from typing_extensions import ParamSpec

P = ParamSpec("P")
R = TypeVar("R")


def guard(
    policy: Union[Policy, PolicyStack],
    build_action: Callable[P, Mapping[str, Any]],
    *,
    clock: Optional[Callable[[], Union[datetime, str]]] = None,
    default_proof_ttl_seconds: Optional[float] = None,
    on_decision: Optional[Callable[[Decision], None]] = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a tool so that every call is decided first.

    ``build_action`` receives the tool's arguments and returns the action
    request (a dict) to decide. The tool runs only when the result is
    ALLOW; any other result raises ActionNotAllowed carrying the decision,
    and the tool is not called. ``clock`` returns the time of each decision
    (default: the system clock). ``on_decision`` receives every decision,
    ALLOW included, before the tool runs, e.g. for an audit log.

    Works on plain functions and on ``async def`` tools; ``build_action``
    is always called synchronously.
    """

    # The wrappers below take the tool's parameters (P); the builder takes
    # the same ones, which a type checker cannot see through *args.
    builder = cast(Callable[..., Mapping[str, Any]], build_action)

    def decide(*args: Any, **kwargs: Any) -> Decision:
        action = builder(*args, **kwargs)
        now = clock() if clock is not None else None
        decision = evaluate(
            policy,
            action,
            now=now,
            default_proof_ttl_seconds=default_proof_ttl_seconds,
        )
        if on_decision is not None:
            on_decision(decision)
        if decision["result"] != "ALLOW":
            raise ActionNotAllowed(decision)
        return decision

    def wrap(tool: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(tool):

            @functools.wraps(tool)
            async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                decide(*args, **kwargs)
                return await tool(*args, **kwargs)

            return cast(Callable[P, R], guarded_async)

        @functools.wraps(tool)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            decide(*args, **kwargs)
            return tool(*args, **kwargs)

        return guarded

    return wrap
