"""Every source's main link is the original publication or regulator page, or says why not."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from pydantic import ValidationError

from regenspine.knowledge.loader import read_data_folder
from regenspine.knowledge.schema import Source

# Hosts that copy, summarise or proxy other people's publications, and forums and blogs: fine as
# a second link, never as the main one unless the source records why no original exists.
NOT_ORIGINAL_HOSTS = {
    "aapc.com",
    "biomed.reviewer.ly",
    "chiro.org",
    "coveredhealth.ai",
    "crick.ai",
    "deploy.abcdocz.com",
    "eurekalert.org",
    "experts.illinois.edu",
    "experts.umn.edu",
    "ezzy2017.com",
    "finviz.com",
    "fosterfollynews.net",
    "gu.se",
    "insights.ovid.com",
    "ipscell.com",
    "issuu.com",
    "kumc.trialstoday.org",
    "legalfix.com",
    "m3india.in",
    "mayoclinic.pure.elsevier.com",
    "medgoo.com",
    "medscape.com",
    "metajournal.com",
    "ouci.dntb.gov.ua",
    "painpluscpn.ca",
    "payerpolicy.org",
    "regenhealthsolutions.info",
    "rheumatologyadvisor.com",
    "rivkinradler.com",
    "sandswhitesands.com",
    "scoop.offervault.com",
    "scribd.com",
    "seekingalpha.com",
    "sogacot.org",
    "stemcell.tv",
    "studicata.com",
    "compliancetrainings.in",
    "togows.dbcls.jp",
    "tomesphere.com",
    "trial.medpath.com",
    "trials.co",
    "undiscoveredbiotech.com",
    "utsouthwestern.elsevierpure.com",
    "verity.backworkai.com",
    "vial.com",
    "webhooks.codingahead.com",
    "webmd.com",
    "wexinc.com",
    "workcompacademy.com",
}
# Words in a host that mark a library proxy (a university's login copy of a journal).
PROXY_MARKS = ("libproxy", "bibliotheek", "ezproxy")


def _sources() -> list[Source]:
    items = [item for _, content in read_data_folder("sources") for item in content]
    return [Source.model_validate(item) for item in items]


def is_not_original(url: str) -> bool:
    """Whether a link goes to a known mirror, forum, blog or library proxy."""
    host = (urlparse(url).hostname or "").removeprefix("www.")
    if any(mark in host for mark in PROXY_MARKS):
        return True
    return any(host == known or host.endswith(f".{known}") for known in NOT_ORIGINAL_HOSTS)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.scribd.com/document/1/x", True),
        ("http://chiro.org/a.shtml", True),
        ("https://bestpractice-bmj-com.bibliotheek.ehb.be/topics/191", True),
        ("https://synapse-patsnap-com.libproxy1.nus.edu.sg/x", True),
        ("https://pubmed.ncbi.nlm.nih.gov/35322978/", False),
        ("https://doi.org/10.1056/NEJMoa1313265", False),
        ("https://clinicaltrials.gov/study/NCT06325566", False),
    ],
)
def test_known_mirror_forum_blog_and_proxy_hosts_are_recognised(url: str, expected: bool) -> None:
    assert is_not_original(url) is expected


def test_no_main_link_goes_to_a_mirror_unless_the_source_says_why() -> None:
    unexplained = [
        source.id
        for source in _sources()
        if source.url and is_not_original(str(source.url)) and not source.no_original
    ]
    assert unexplained == []


def test_a_mirror_is_kept_only_beside_an_original_main_link() -> None:
    for source in _sources():
        if source.mirror:
            assert source.url, source.id
            assert not is_not_original(str(source.url)), source.id


def test_mirrors_of_replaced_links_are_kept_as_second_links() -> None:
    by_id = {source.id: source for source in _sources()}
    levi = by_id["levi-2025-bmc-rct"]
    assert str(levi.url) == "https://pmc.ncbi.nlm.nih.gov/articles/PMC12284277/"
    assert levi.mirror
    assert "tomesphere.com" in str(levi.mirror)
    assert by_id["friedly-2014-less"].doi == "10.1056/NEJMoa1313265"


def test_old_style_source_without_the_new_fields_still_validates() -> None:
    source = Source.model_validate(
        {"id": "x-1", "kind": "web", "title": "A page", "url": "https://example.org/a"}
    )
    assert source.mirror is None
    assert source.no_original is None


def test_a_mirror_that_repeats_the_main_link_is_refused() -> None:
    with pytest.raises(ValidationError, match="repeats the main link"):
        Source.model_validate(
            {
                "id": "x-1",
                "kind": "web",
                "title": "A page",
                "url": "https://example.org/a",
                "mirror": "https://example.org/a",
            }
        )
