"""Type stubs of the compiled module (see neardup/__init__.py for the documented API)."""

from typing import List, Optional, Tuple

__version__: str

class DedupResult:
    @property
    def keep(self) -> List[bool]: ...
    @property
    def cluster(self) -> List[int]: ...
    @property
    def clusters(self) -> List[List[int]]: ...
    @property
    def representatives(self) -> List[int]: ...
    @property
    def langs(self) -> List[Optional[str]]: ...
    def __len__(self) -> int: ...

def _dedup(
    texts: List[str],
    *,
    threshold: Optional[float] = ...,
    num_perm: Optional[int] = ...,
    bands: Optional[int] = ...,
    rows: Optional[int] = ...,
    shingle_words: Optional[int] = ...,
    shingle_chars: Optional[int] = ...,
    seed: Optional[int] = ...,
    method: str = ...,
    keep: str = ...,
    grouping: str = ...,
    keep_boilerplate: bool = ...,
    cross_lingual: bool = ...,
    langs: Optional[List[Optional[str]]] = ...,
    lexicon: Optional[str] = ...,
    threads: int = ...,
) -> DedupResult: ...
def _sign(
    texts: List[str],
    *,
    band_keys: bool = ...,
    threshold: Optional[float] = ...,
    num_perm: Optional[int] = ...,
    bands: Optional[int] = ...,
    rows: Optional[int] = ...,
    shingle_words: Optional[int] = ...,
    shingle_chars: Optional[int] = ...,
    seed: Optional[int] = ...,
    threads: int = ...,
) -> Tuple[int, int, int, bytes]: ...
