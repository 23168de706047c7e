"""The page extensions, created on first use, are one and the same for every caller."""

import subprocess
import sys

import pytest

import survey.extensions as extensions


def test_a_page_extension_is_made_once():
    from survey.extensions import csrf, limiter, login_manager

    assert extensions.csrf is csrf
    assert extensions.limiter is limiter
    assert extensions.login_manager is login_manager
    assert login_manager.login_view == "organizer.login"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = extensions.nothing


def test_threads_asking_at_once_get_one_limiter():
    code = (
        "import threading\nimport survey.extensions as e\nseen = []\n"
        "threads = [threading.Thread(target=lambda: seen.append(id(e.limiter)))"
        " for _ in range(8)]\n"
        "[t.start() for t in threads]\n[t.join() for t in threads]\n"
        "print(len(seen), len(set(seen)))"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["8", "1"]
