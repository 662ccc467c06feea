"""Type stubs of the compiled module (see neardup/__init__.py for the documented API)."""

from typing import Any, List, Optional, Tuple

__version__: str

class ArrowColumn:
    def __arrow_c_array__(self, requested_schema: Optional[object] = ...) -> Tuple[object, object]: ...
    def __len__(self) -> int: ...

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
    texts: Any,
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
    texts: Any,
    *,
    band_keys: bool = ...,
    arrow: bool = ...,
    threshold: Optional[float] = ...,
    num_perm: Optional[int] = ...,
    bands: Optional[int] = ...,
    rows: Optional[int] = ...,
    shingle_words: Optional[int] = ...,
    shingle_chars: Optional[int] = ...,
    seed: Optional[int] = ...,
    threads: int = ...,
) -> Tuple[int, int, int, Any]: ...
