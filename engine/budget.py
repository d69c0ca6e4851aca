"""The CPU-time and memory budget every script, condition, timer expression, DMN cell and service parameter runs under.

Definitions are deployed by administrators, but a slip (`9**9**9`, `'x' * 10**9`, a loop that keeps
doubling its own list) must not stop the centre. Evaluations run in web worker threads and in the
embedded timer thread, so the usual process-wide tools do not fit: `signal`/`setitimer` work in the
main thread only and `setrlimit` would bound the whole server. What works per evaluation, in any
thread, is to meter the restricted code itself:

- memory: the operations that can make a large object out of small inputs (`*`, `**`, `<<`, `+`,
  `%`-formatting and f-string widths, the padding/replace/join/translate methods of str and bytes,
  list.extend, pow, bytes(n), sum of sequences; RestrictedPython refuses str.format already) are
  computed by guards that bound the size of the result BEFORE computing it,
  and charge it against a per-evaluation allocation budget;
- iterations: every `for` loop and comprehension item passes `_getiter_`, counted against a
  per-evaluation budget (which also stops a loop growing the list it iterates);
- memory, the rest: copies made by plain builtins (`list(s)` in a loop, slices, sorted) are not
  guarded one by one; instead the process's resident memory is sampled (Linux /proc/self/statm)
  once per millisecond of CPU time (about 1% overhead), and an evaluation during which it grew past
  `max_memory_mb` is stopped.
  The process is shared by the threads of the server, so another request's allocation in the same
  moment counts too: the bound is set high enough that this does not happen in ordinary work;
- CPU: a per-evaluation deadline on `time.thread_time()` (CPU time of this thread, so a worker waiting
  on the database is not charged) is checked by those guards and by a `sys.settrace` hook on every
  call and every line of restricted code; a per-step deadline (`step_budget`) bounds the whole engine
  step a web request or a timer runs, so many small evaluations cannot add up to a hang either.

A breach raises BudgetExceeded; the budget stays tripped, so restricted code that catches the error
is stopped again at its next guarded operation and the evaluation still fails when it returns.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from engine.errors import BudgetExceeded, UnsafeScript

SANDBOX_FILENAME = "<definition>"  # what restricted code is compiled as: the line tracer only follows these frames


@dataclass(frozen=True)
class Limits:
    """Bounds of one evaluation (and of one engine step, for `step_cpu_seconds`)."""

    cpu_seconds: float = 1.0
    step_cpu_seconds: float = 3.0
    iterations: int = 100_000
    max_size: int = 1_000_000  # items of a list/tuple, characters of a str, bytes of a bytes
    max_allocated: int = 10_000_000  # sum of the sizes of everything the guards let through
    max_int_bits: int = 20_000  # about 6,000 decimal digits
    max_memory_mb: int = 256  # growth of the process's resident memory during one evaluation


DEFAULT_LIMITS = Limits()


class Budget:
    """What one evaluation has left; `tripped` keeps the first breach so swallowing it does not help."""

    def __init__(self, limits: Limits, step_remaining: float | None = None) -> None:
        self.limits = limits
        self.started = time.thread_time()
        self.by_step = step_remaining is not None and step_remaining < limits.cpu_seconds
        self.deadline = self.started + (max(step_remaining, 0.0) if self.by_step else limits.cpu_seconds)
        self.iterations = 0
        self.allocated = 0
        self.sampled_at = self.started
        self.resident_at_start = resident_bytes()
        self.tripped: str | None = None

    def breach(self, message: str) -> BudgetExceeded:
        self.tripped = self.tripped or message
        return BudgetExceeded(self.tripped)

    def check_time(self) -> None:
        if self.tripped:
            raise BudgetExceeded(self.tripped)
        now = time.thread_time()
        if now >= self.deadline:
            if self.by_step:
                raise self.breach(f"本步骤合计超出计算时间上限（{self.limits.step_cpu_seconds:g} 秒 CPU）")
            raise self.breach(f"超出计算时间上限（{self.limits.cpu_seconds:g} 秒 CPU）")
        if now - self.sampled_at >= _SAMPLE_EVERY and self.resident_at_start is not None:
            self.sampled_at = now
            grown = ((resident_bytes() or 0) - self.resident_at_start) // 2**20
            if grown > self.limits.max_memory_mb:
                raise self.breach(f"超出内存上限（运行中内存增长 {grown} MB，上限 {self.limits.max_memory_mb} MB）")

    def count_iteration(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.iterations:
            raise self.breach(f"超出循环次数上限（{self.limits.iterations} 次）")
        if self.iterations % 64 == 0:
            self.check_time()

    def charge(self, size: int, what: str) -> None:
        """Refuse a result of `size` items before it is built."""
        self.check_time()
        if size > self.limits.max_size:
            raise self.breach(f"{what}结果过大（{size} 项，上限 {self.limits.max_size} 项）")
        self.allocated += size
        if self.allocated > self.limits.max_allocated:
            raise self.breach(f"超出内存上限（累计 {self.allocated} 项，上限 {self.limits.max_allocated} 项）")

    def check_int_bits(self, bits: int, what: str) -> None:
        self.check_time()
        if bits > self.limits.max_int_bits:
            raise self.breach(f"{what}结果过大（约 {bits} 位二进制，上限 {self.limits.max_int_bits} 位）")


_SAMPLE_EVERY = 0.001  # seconds of CPU time between two samples of resident memory
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int | None:
    """The process's resident memory now (Linux); None where /proc is not there, which leaves the check out."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return None


_local = threading.local()


def current() -> Budget:
    """The budget of the evaluation running in this thread (a fresh default one outside any, e.g. at deploy)."""
    budget = getattr(_local, "budget", None)
    return budget if budget is not None else Budget(DEFAULT_LIMITS)


@contextmanager
def step_budget(limits: Limits = DEFAULT_LIMITS) -> Iterator[None]:
    """Bound the CPU time all evaluations of one engine step (a complete, a timer firing) may use together.

    Only time inside evaluations counts: trusted service handlers (a letter rendered to PDF, database
    work) in the same step are not the definition's doing and are not charged.
    """
    previous = getattr(_local, "step_remaining", None)
    _local.step_remaining = limits.step_cpu_seconds if previous is None else min(previous, limits.step_cpu_seconds)
    try:
        yield
    finally:
        _local.step_remaining = previous


def _tracer(budget: Budget) -> Callable[..., Any]:
    def on_line(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            budget.check_time()
        return on_line

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SANDBOX_FILENAME:
            return None  # trusted code (helpers, SpiffWorkflow, cleanup after a breach) runs unhindered
        budget.check_time()
        return on_line

    return on_call


@contextmanager
def metered(limits: Limits = DEFAULT_LIMITS, trace: bool = True) -> Iterator[Budget]:
    """Run one evaluation under `limits` in this thread; raises BudgetExceeded if it breached them at all.

    `trace=False` leaves out the line tracer, for trusted code that only calls the guards (deploy checks).
    """
    previous = getattr(_local, "budget", None)
    budget = Budget(limits, getattr(_local, "step_remaining", None))
    _local.budget = budget
    old_trace = sys.gettrace()
    if trace:
        sys.settrace(_tracer(budget))
    try:
        yield budget
    finally:
        sys.settrace(old_trace)
        _local.budget = previous
        if getattr(_local, "step_remaining", None) is not None:
            _local.step_remaining -= time.thread_time() - budget.started
    if budget.tripped:
        raise BudgetExceeded(budget.tripped)


# --- guards the restricted code calls -------------------------------------------------------------------


def _size(value: Any) -> int | None:
    if isinstance(value, str | bytes | bytearray | list | tuple | dict | set | frozenset):
        return len(value)
    return None


def _int_bits(value: Any) -> int | None:
    return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else None


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "//": lambda a, b: a // b, "%": lambda a, b: a % b, "**": lambda a, b: a**b, "<<": lambda a, b: a << b,
}
_FORMAT_NUMBER = re.compile(r"\d+")
_STAR_WIDTH = re.compile(r"%[#0 +\-]*(?:\*|\d*\.\*)")


def check_format_text(budget: Budget, text: str) -> None:
    """Widths and precisions in a format string must fit the size bound ('%*d' would take them from the data)."""
    if _STAR_WIDTH.search(text):
        raise budget.breach("格式化字符串不允许用 * 指定宽度或精度")
    for number in _FORMAT_NUMBER.findall(text):
        if len(number) > 7 or int(number) > budget.limits.max_size:
            raise budget.breach(f"格式化宽度或精度过大（{number[:12]}，上限 {budget.limits.max_size}）")


def binop(op: str, a: Any, b: Any) -> Any:
    """`a op b` with the size of the result bounded before it is computed (Python's own `*`, `**` … are not)."""
    budget = current()
    budget.check_time()
    bits_a, bits_b = _int_bits(a), _int_bits(b)
    if op == "**" and bits_a is not None and bits_b is not None and b > 0 and bits_a > 1:
        budget.check_int_bits((bits_a - 1) * b if b < budget.limits.max_int_bits else b, "乘方")
    elif op == "<<" and bits_a is not None and bits_b is not None and a and b > 0:
        budget.check_int_bits(bits_a + b, "左移")
    elif op == "*" and bits_a is not None and bits_b is not None:
        budget.check_int_bits(bits_a + bits_b, "乘法")
    elif op == "*" and (_size(a) is not None or _size(b) is not None) and (bits_a is not None or bits_b is not None):
        sequence, count = (a, b) if bits_b is not None else (b, a)
        budget.charge(len(sequence) * max(count, 0), "重复")
    elif op == "+" and _size(a) is not None and _size(b) is not None:
        budget.charge(len(a) + len(b), "拼接")
    elif op == "%" and isinstance(a, str | bytes):
        check_format_text(budget, a if isinstance(a, str) else a.decode("latin-1"))
        budget.charge(len(a) + printed_size(b, budget.limits.max_size), "格式化")
        result = a % b
        budget.charge(len(result), "格式化")
        return result
    return _BINOPS[op](a, b)


def printed_size(value: Any, limit: int) -> int:
    """About how many characters str()/repr() of `value` makes, counting up to just past `limit`.

    A list holding the same long string a thousand times is small in memory and huge when printed, so
    printing walks the containers first. (A container holding itself counts as over the limit.)
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes | bytearray):
            total += len(item) + 2
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 * len(item) + 2
            stack.extend(item)
        elif isinstance(item, dict):
            total += 4 * len(item) + 2
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 2
        else:
            total += 32  # dates, decimals, None … print short
    return total


def printable(value: Any) -> Any:
    """`value` once its printed form is known to fit (str(x), repr(x) and f-string fields go through here)."""
    if isinstance(value, list | tuple | set | frozenset | dict):
        budget = current()
        budget.charge(printed_size(value, budget.limits.max_size), "转为文字")
    return value


def guarded_str(*args: Any, **kwargs: Any) -> str:
    return str(printable(args[0]), *args[1:], **kwargs) if args else str(**kwargs)


def guarded_repr(value: Any) -> str:
    return repr(printable(value))


def inplace(op: str, a: Any, b: Any) -> Any:
    """`a op= b` for names (RestrictedPython's `_inplacevar_`), through the same bounds as `binop`."""
    if op[:-1] not in _BINOPS:
        raise UnsafeScript(f"不支持的运算 {op}")
    return binop(op[:-1], a, b)


def getiter(ob: Any) -> Iterator[Any]:
    """Every loop and comprehension item counts against the iteration budget."""
    budget = current()
    for item in iter(ob):
        budget.count_iteration()
        yield item


def format_spec(value: Any) -> Any:
    """A value computed into an f-string's format spec (`f'{x:>{width}}'`) is a width or precision: bound it."""
    check_format_text(current(), str(value))
    return value


def guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    return pow(base, exp, mod) if mod is not None else binop("**", base, exp)


def guarded_bytes(*args: Any) -> bytes:
    if args and _int_bits(args[0]) is not None:
        current().charge(args[0], "bytes")
    return bytes(*args)


def guarded_sum(items: Iterable[Any], start: Any = 0) -> Any:
    """sum() of lists or tuples is quadratic inside C code; add those through `binop` so it is metered."""
    if _size(start) is None:
        return sum(items, start)  # numbers: linear, and an int sum grows by a few bits per item
    total = start
    for item in items:
        total = binop("+", total, item)
    return total


def _materialize(items: Iterable[Any]) -> list[Any]:
    return list(getiter(items))


def _checked_method(owner: Any, name: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a str/bytes/list method that can grow its result far beyond its inputs, bounding the result first."""
    budget = current()
    if name in {"ljust", "rjust", "center", "zfill"} and args and _int_bits(args[0]) is not None:
        budget.charge(args[0], "填充")
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        budget.charge(len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * max(tab, 0), "展开制表符")
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        count = owner.count(old) + (1 if not old else 0)
        if len(args) > 2 and args[2] >= 0:
            count = min(count, args[2])
        budget.charge(len(owner) + count * max(len(new) - len(old), 0), "替换")
    elif name == "join":
        items = _materialize(args[0])
        budget.charge(sum(len(i) for i in items if _size(i) is not None) + len(owner) * max(len(items) - 1, 0),
                      "连接")
        args = (items, *args[1:])
    elif name == "translate":
        table_sizes = [len(v) for v in (args[0].values() if isinstance(args[0], dict) else []) if _size(v)]
        budget.charge(len(owner) * max([1, *table_sizes]), "转换")
    elif name == "extend":
        items = args[0] if _size(args[0]) is not None else _materialize(args[0])
        budget.charge(len(owner) + len(items), "扩展")
        args = (items,)
    return method(*args, **kwargs)


AMPLIFYING_METHODS = frozenset(
    {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join", "translate", "extend"}
)


def guard_method(obj: Any, name: str, value: Any) -> Any:
    """What `obj.name` gives restricted code: amplifying methods come back wrapped (also unbound, `str.join`)."""
    current().check_time()
    if name not in AMPLIFYING_METHODS:
        return value
    if isinstance(obj, str | bytes | bytearray | list):
        return partial(_checked_method, obj, name, value)
    if any(obj is kind for kind in (str, bytes, bytearray, list)):
        return lambda owner, *args, **kwargs: _checked_method(owner, name, getattr(owner, name), *args, **kwargs)
    return value
