"""Industry or academia, from an institution's name.

The graph has no institution type (ROR types are not in the snapshot), so this is a
keyword heuristic, deliberately conservative: names it cannot place are `unknown`
and reported as such rather than guessed. Order matters: unmistakable academic words
first ("University of ..."), then well-known companies and corporate suffixes, then
generic research-institute words.
"""

from __future__ import annotations

import re
from typing import Literal

from graph.ids import fold

Sector = Literal["academia", "industry", "unknown"]

_ACADEMIC = re.compile(r"\b(universit\w*|college|ecole|school|polytechni\w*|academy|academia|eth zurich|epfl|"
                       r"kaist|mit|csail|hochschule|technion|inria|cnrs|max planck|riken|mila)\b")
_COMPANIES = re.compile(
    r"\b(google|deepmind|alphabet|microsoft|meta|facebook|amazon|aws|apple|nvidia|ibm|intel|amd|arm ltd|qualcomm|"
    r"alibaba|ant group|tencent|baidu|bytedance|huawei|samsung|sk hynix|lg|sony|toyota research|bosch|siemens|"
    r"openai|anthropic|cohere|mistral|hugging ?face|databricks|snowflake|cerebras|graphcore|sambanova|salesforce|"
    r"adobe|uber|netflix|twitter|linkedin|oracle|vmware|cisco|yahoo|yandex|naver|kakao|sensetime|megvii|xiaomi|"
    r"jd com|didi|kuaishou|meituan|pinterest|airbnb|spotify|criteo|nokia|bell labs|ericsson|hp|hewlett packard|"
    r"dell|xilinx|broadcom|mediatek|tesla|waymo|zhipu|moonshot|shanghai ai lab(oratory)?)\b")
_CORPORATE = re.compile(r"\b(inc|corp|corporation|ltd|llc|gmbh|co ltd|company|technologies|labs)\b")
_RESEARCH = re.compile(r"\b(institute|institut|instituto|national laboratory|national lab|research center|"
                       r"centre|center for|chinese academy|kaust|a star)\b")


def classify_institution(name: str | None) -> Sector:
    key = fold(name or "")
    if not key:
        return "unknown"
    if _ACADEMIC.search(key):
        return "academia"
    if _COMPANIES.search(key) or _CORPORATE.search(key):
        return "industry"
    if _RESEARCH.search(key):
        return "academia"
    return "unknown"
