"""A first end-to-end pass through the CLI; the detailed cases live beside it."""


def test_add_log_and_list_back_as_json(run):
    assert run("contact", "add", "Ada Lovelace", "--account", "Analytical Engines", "--role", "champion").exit_code == 0
    assert run("log", "ada", "--channel", "call", "--purpose", "check-in", "--sentiment", "1").exit_code == 0
    listed = run("contact", "list", "--json").json()
    assert [c["name"] for c in listed] == ["Ada Lovelace"]
    assert listed[0]["account"] == "Analytical Engines"
    shown = run("contact", "show", "ada", "--json").json()
    assert shown["recent_interactions"][0]["channel"] == "call"
    assert shown["recent_interactions"][0]["sentiment"] == 1


def test_unknown_channel_is_one_line_exit_2_and_writes_nothing(run):
    run("contact", "add", "Ada Lovelace")
    result = run("log", "ada", "--channel", "fax")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--channel" in result.stderr and "call, email" in result.stderr
    assert run("history", "ada", "--json").json() == []
