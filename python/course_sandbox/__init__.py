"""The learner-code sandbox: python/sandbox_launch.py's jobs, one module each (cli.py reads the
command line). Bound read-only into sandboxes for the drop to the sandbox's user (drop.py), so
this file imports nothing."""
