"""`config set` echoes values as TOML, `config show` says where each value comes from, and a
mistyped key gets a guess."""

from __future__ import annotations


def test_set_echoes_toml_not_python(mm, home) -> None:
    assert (
        mm("config", "set", "judgments.learn_likes", "false").out
        == "judgments.learn_likes = false\n"
    )
    assert mm("config", "set", "discovery.sources", "likes,reposts").out == (
        'discovery.sources = ["likes", "reposts"]\n'
    )
    assert mm("config", "set", "playlist.title", "Mine").out == 'playlist.title = "Mine"\n'


def test_show_says_default_file_or_env(mm, home, monkeypatch) -> None:
    assert mm("config", "set", "playlist.size", "7").code == 0
    monkeypatch.setenv("SOUNDCLOUD_CLIENT_ID", "from-env")
    d = mm("config", "show", "--json").json()
    assert d["origins"]["playlist.size"] == "file" and d["settings"]["playlist.size"] == 7
    assert d["origins"]["soundcloud.client_id"] == "env"
    assert d["origins"]["ranking.half_life_days"] == "default"
    assert "from" in mm("config", "show").out


def test_a_mistyped_key_gets_a_guess(mm, home) -> None:
    for typo, key in (
        ("page_siz", "soundcloud.page_size"),
        ("playlist.titel", "playlist.title"),
        ("soundcloud.page_sise", "soundcloud.page_size"),
    ):
        r = mm("config", "get", typo)
        assert r.code == 1 and f"did you mean `{key}`?" in r.err, r.err
    assert "config show" in mm("config", "set", "nonsense", "1").err
