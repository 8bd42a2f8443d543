"""bubblewrap's command line, as root and not, for a kernel-like and a helper-like process."""

import pytest

from course_sandbox import bwrap


@pytest.fixture
def folders(tmp_path, launch):
    """The launch description's read-only folders, made real (bubblewrap is told only about those that exist)."""
    system = [tmp_path / "usr", tmp_path / "etc", tmp_path / "venv"]
    for folder in system:
        folder.mkdir()
    launch["read_only"] = [str(folder) for folder in system] + [str(tmp_path / "absent")]
    return tmp_path


def argv(launch, folders, **overrides):
    options = dict(
        workdir=str(folders / "learner"),
        writable={str(folders / "learner"): str(folders / "learner"), str(folders / "kernel"): bwrap.INSIDE_KERNEL_DIR},
        read_only_files=[str(folders / "python" / "course_kernel.py")],
        env={},
        mlflow_port=5000,
        course_bridge="",
        command=["python", "kernel.py"],
        as_root=True,
    )
    options.update(overrides)
    return bwrap.build_argv(launch, **options)


def find(args, part):
    """Where the list `part` starts in `args`."""
    return next(i for i in range(len(args)) if args[i : i + len(part)] == part)


def pairs(args, flag):
    """The operands of every `flag SOURCE TARGET` (or `flag NAME VALUE`)."""
    return [(args[i + 1], args[i + 2]) for i, arg in enumerate(args) if arg == flag]


def test_binds_the_system_and_the_files_read_only_and_only_what_exists(launch, folders):
    args = argv(launch, folders)
    read_only = pairs(args, "--ro-bind")
    for folder in ("usr", "etc", "venv"):
        assert (str(folders / folder), str(folders / folder)) in read_only
    assert (str(folders / "python" / "course_kernel.py"),) * 2 in read_only
    assert all("absent" not in source for source, _ in read_only)
    assert (launch["gate_socket"], bwrap.INSIDE_GATE) in read_only
    assert ["--symlink", "usr/bin", "/bin"] == args[args.index("--symlink") : args.index("--symlink") + 3]


def test_binds_only_the_folders_named_writable(launch, folders):
    args = argv(launch, folders)
    assert pairs(args, "--bind") == [(str(folders / "learner"), str(folders / "learner")), (str(folders / "kernel"), bwrap.INSIDE_KERNEL_DIR)]
    assert args[args.index("--chdir") + 1] == str(folders / "learner")
    assert find(args, ["--perms", "1777", "--tmpfs", "/tmp"])


def test_makes_the_folders_on_the_way_to_a_bind_traversable(launch, folders):
    args = argv(launch, folders)
    made = [args[i + 1] for i, arg in enumerate(args) if arg == "--dir"]
    assert str(folders) in made and str(folders / "python") in made
    for i, arg in enumerate(args):
        if arg == "--dir":
            assert args[i - 2 : i] == ["--perms", "0755"]
    assert len(made) == len(set(made))


def test_builds_the_environment_from_the_description_alone(launch, folders):
    args = argv(launch, folders, env={"TMPDIR": "/scratch"}, mlflow_port=5001)
    assert args.index("--clearenv") < args.index("--setenv")
    env = dict(pairs(args, "--setenv"))
    assert env == {**launch["env"], "TMPDIR": "/scratch", "MLFLOW_TRACKING_URI": "http://127.0.0.1:5001/mlflow-gate", "HOME": str(folders / "learner")}
    assert "TMPDIR" not in launch["env"]
    assert dict(pairs(argv(launch, folders), "--setenv"))["TMPDIR"] == "/tmp"


def test_as_root_keeps_the_users_and_drops_to_the_sandboxs_user_before_the_command(launch, folders):
    args = argv(launch, folders)
    assert args[0] == "bwrap"
    assert {"--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", "--unshare-net"} <= set(args)
    assert "--unshare-all" not in args and "--unshare-user" not in args
    drop = bwrap.drop_command(launch["python"], 65534, 65534)
    assert drop == [launch["python"], "-I", "-S", "-B", bwrap.DROP_SCRIPT, "--uid", "65534", "--gid", "65534", "--"]
    start = find(args, drop)
    assert args[start + len(drop) :][:2] == ["sh", "-c"]
    assert args[-2:] == ["python", "kernel.py"]
    for file in bwrap.DROP_FILES:
        assert (file, file) in pairs(args, "--ro-bind")


def test_as_root_in_the_learners_network_namespace(launch, folders):
    args = argv(launch, folders, netns="/run/netns/mlt-1a2b3c4d-l-alice")
    assert args[:3] == ["nsenter", "--net=/run/netns/mlt-1a2b3c4d-l-alice", "bwrap"]
    assert "--unshare-net" not in args


def test_unprivileged_uses_bubblewraps_user_namespace_and_no_drop(launch, folders):
    args = argv(launch, folders, as_root=False, netns="/run/netns/ignored")
    assert args[0] == "bwrap"
    assert "--unshare-all" in args and "--unshare-net" not in args
    assert bwrap.DROP_SCRIPT not in args
    assert all(file not in args for file in bwrap.DROP_FILES)


def test_starts_the_course_bridge_before_the_drop_and_the_mlflow_bridge_after(launch, folders):
    course_bridge = f"socat UNIX-LISTEN:{bwrap.INSIDE_SERVE_DIR}/model.sock,fork,unlink-early TCP:127.0.0.1:5050"
    args = argv(launch, folders, course_bridge=course_bridge, mlflow_port=5001)
    scripts = [args[i + 1] for i, arg in enumerate(args) if arg == "-c"]
    assert scripts == [
        f'umask 077; {course_bridge} & exec "$@"',
        'umask 077; socat TCP-LISTEN:5001,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/run/course-gate.sock & exec "$@"',
    ]
    assert args.index(scripts[0]) < find(args, bwrap.drop_command(launch["python"], 65534, 65534)) < args.index(scripts[1])


def test_gives_bubblewraps_info_to_a_descriptor_when_asked(launch, folders):
    args = argv(launch, folders, info_fd=7)
    assert args[args.index("--info-fd") + 1] == "7"
    assert "--info-fd" not in argv(launch, folders)


def test_a_process_beside_the_kernel_takes_the_mlflow_port_after_the_kernels(launch):
    assert bwrap.mlflow_port(launch, beside_kernel=False) == launch["mlflow_port"]
    assert bwrap.mlflow_port(launch, beside_kernel=True) == launch["mlflow_port"] + 1
