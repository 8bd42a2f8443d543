"""The check that a process is the sandbox's user, on /proc/<pid>/status texts; and drop.py's
command line. (Dropping privileges itself needs root: the sandbox's integration tests do it.)"""

import pytest

from course_sandbox import drop, privileges

SANDBOXED = """Name:\tpython3
Umask:\t0077
State:\tR (running)
Uid:\t65534\t65534\t65534\t65534
Gid:\t65534\t65534\t65534\t65534
FDSize:\t64
Groups:\t
CapInh:\t0000000000000000
CapPrm:\t0000000000000000
CapEff:\t0000000000000000
CapBnd:\t0000000000000000
CapAmb:\t0000000000000000
NoNewPrivs:\t1
Seccomp:\t0
"""


def with_line(key, value, text=SANDBOXED):
    return "".join(f"{key}:\t{value}\n" if line.startswith(f"{key}:") else line + "\n" for line in text.splitlines())


def without_line(key, text=SANDBOXED):
    return "".join(line + "\n" for line in text.splitlines() if not line.startswith(f"{key}:"))


def test_a_sandboxed_process_has_no_problems():
    assert privileges.problems(SANDBOXED, 65534, 65534) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (with_line("Uid", "0\t0\t0\t0"), "Uid ['0', '0', '0', '0']"),
        (with_line("Uid", "65534\t0\t65534\t65534"), "Uid ['65534', '0', '65534', '65534']"),
        (with_line("Gid", "65534\t65534\t65534\t0"), "Gid"),
        (with_line("Groups", "0 27"), "Groups 0 27"),
        (with_line("CapEff", "000001ffffffffff"), "CapEff 000001ffffffffff"),
        (with_line("CapPrm", "0000000000000400"), "CapPrm"),
        (with_line("CapInh", "0000000000000001"), "CapInh"),
        (with_line("CapBnd", "000001ffffffffff"), "CapBnd"),
        (with_line("CapAmb", "0000000000000001"), "CapAmb"),
        (with_line("CapAmb", "not hex"), "CapAmb not hex"),
        (with_line("NoNewPrivs", "0"), "NoNewPrivs 0"),
        (without_line("NoNewPrivs"), "NoNewPrivs not reported"),
        (without_line("CapAmb"), "CapAmb not reported"),
        (without_line("Uid"), "Uid not reported"),
    ],
)
def test_anything_else_is_a_problem(text, problem):
    found = privileges.problems(text, 65534, 65534)
    assert any(line.startswith(problem) for line in found), found


def test_another_user_than_the_sandboxs_is_a_problem():
    assert privileges.problems(SANDBOXED, 1000, 1000) == ["Uid ['65534', '65534', '65534', '65534']", "Gid ['65534', '65534', '65534', '65534']"]


def test_verify_refuses_this_process_unless_it_is_the_sandboxs_user(monkeypatch):
    # The test itself is not the sandbox's user (whether root or not), so the real /proc/self/status must fail the check.
    with pytest.raises(privileges.NotSandboxed, match="not sandboxed as it should be"):
        privileges.verify_sandboxed(65534, 65534)


def test_drops_parse_their_command_line():
    assert drop.parse(["--uid", "65534", "--gid", "65534", "--", "sh", "-c", "x"]) == (65534, 65534, ["sh", "-c", "x"])


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--uid", "65534", "--gid", "65534", "--"],
        ["--gid", "65534", "--uid", "65534", "--", "sh"],
        ["--uid", "65534", "--gid", "65534", "sh"],
        ["--uid", "0", "--gid", "65534", "--", "sh"],
        ["--uid", "65534", "--gid", "0", "--", "sh"],
        ["--uid", "nobody", "--gid", "65534", "--", "sh"],
    ],
)
def test_drop_refuses_anything_else(argv):
    with pytest.raises(ValueError):
        drop.parse(argv)


def test_drop_runs_nothing_when_it_cannot_drop(monkeypatch, capfd):
    """Any failure (here: the drop itself) ends it with 70 before the command is exec'd."""
    def refuse(uid, gid):
        raise OSError(1, "Operation not permitted")

    exits, execs = [], []
    monkeypatch.setattr(privileges, "drop_privileges", refuse)
    monkeypatch.setattr(drop.os, "_exit", lambda code: (exits.append(code), (_ for _ in ()).throw(SystemExit(code))))
    monkeypatch.setattr(drop.os, "execvp", lambda *args: execs.append(args))
    with pytest.raises(SystemExit):
        drop.main(["--uid", "65534", "--gid", "65534", "--", "sh"])
    assert exits == [70] and execs == []
    assert "course sandbox: not starting ['sh']: [Errno 1] Operation not permitted" in capfd.readouterr().err


def test_drop_runs_nothing_when_the_check_fails(monkeypatch):
    exits, execs = [], []
    monkeypatch.setattr(privileges, "drop_privileges", lambda uid, gid: None)
    monkeypatch.setattr(drop.os, "_exit", lambda code: (exits.append(code), (_ for _ in ()).throw(SystemExit(code))))
    monkeypatch.setattr(drop.os, "execvp", lambda *args: execs.append(args))
    with pytest.raises(SystemExit):
        drop.main(["--uid", "65534", "--gid", "65534", "--", "sh"])
    assert exits == [70] and execs == []


def test_drop_execs_the_command_once_dropped_and_checked(monkeypatch):
    execs = []
    monkeypatch.setattr(privileges, "drop_privileges", lambda uid, gid: None)
    monkeypatch.setattr(privileges, "verify_sandboxed", lambda uid, gid: None)
    monkeypatch.setattr(drop.os, "execvp", lambda *args: execs.append(args))
    drop.main(["--uid", "65534", "--gid", "65534", "--", "sh", "-c", "x"])
    assert execs == [("sh", ["sh", "-c", "x"])]
