"""``backprop demo`` and the command line's error handling, run as a user runs them."""



def test_demo_runs_from_the_console_script(cli):
    result = cli("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for label in ["a^(1)", "a^(2)", "δ^(2)", "dC/dW^(2)", "δ^(1)", "dC/dW^(1)", "W^(1) =", "W^(2) ="]:
        assert label in out
    # the forward values and cost of the note's example, as pinned in the tests
    assert "(0.873557, 0.625202)" in out
    assert "C = ½ Σ_j (a_j^(2) − T_j)² = 0.189842" in out
    assert "Done in 88 steps" in out
    assert result.stderr == ""


def test_demo_of_the_cited_example(cli):
    result = cli("demo", "--preset", "mazur", "--precision", "9")
    assert result.returncode == 0, result.stderr
    assert "0.593269992" in result.stdout and "0.298371109" in result.stdout


def test_python_dash_m_runs_the_same_command():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "backprop", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("backprop ")


def test_cli_errors_are_one_line_without_traceback(cli):
    result = cli("demo", "--tolerance", "-1")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "tolerance must be a positive number" in result.stderr
    result = cli("demo", "--learning-rate", "nan")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "learning rate must be a positive finite number" in result.stderr


def test_unknown_command_is_an_argparse_error(cli):
    result = cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_demo_into_a_closed_pipe_stops_quietly():
    """``backprop demo | head -3``: no 'Broken pipe' error, exit status 0."""
    import shlex
    import subprocess

    from conftest import backprop_command

    command = " ".join(shlex.quote(part) for part in backprop_command())
    result = subprocess.run(
        f"{command} demo | head -3", shell=True, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.count("\n") == 3
    assert result.stderr == ""


def test_a_usage_error_is_one_line_naming_the_argument(cli):
    result = cli("train", "--data", "digits", "--epochs", "many")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "backprop train: error: argument --epochs: invalid int value: 'many' "
        "(see 'backprop train --help')"
    ]
