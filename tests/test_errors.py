import pytest

from veille.errors import install_command


@pytest.mark.parametrize("direct_url, extra, expected", [
    # the README's install, an editable checkout
    ('{"url": "file:///home/ana/veille", "dir_info": {"editable": true}}', "spark",
     "pip install -e '/home/ana/veille[spark]'"),
    ('{"url": "file:///home/ana/veille", "dir_info": {"editable": true}}', "",
     "pip install -e '/home/ana/veille'"),
    # a plain install from a local folder, whose name has a space
    ('{"url": "file:///srv/mes%20outils/veille", "dir_info": {}}', "duckdb",
     "pip install '/srv/mes outils/veille[duckdb]'"),
    # from a wheel or an index: the published name
    ('{"url": "https://example.org/veille-1.0-py3-none-any.whl", "archive_info": {}}', "warc",
     "pip install 'veille[warc]'"),
    ("", "spark", "pip install 'veille[spark]'"),
    ("not json", "", "pip install --force-reinstall veille"),
])
def test_install_command_names_the_checkout_veille_was_installed_from(direct_url, extra, expected):
    assert install_command(extra, direct_url=direct_url) == expected

