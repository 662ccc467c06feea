"""Type stubs of the compiled module (see neardup/__init__.py for the documented API)."""

from typing import Any, Dict, List, Optional, Tuple, Union

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
    @property
    def indexed(self) -> List[Optional[str]]: ...
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
    language_model: Union[str, bool, None] = ...,
    threads: int = ...,
    against: Optional[str] = ...,
    substrings: bool = ...,
) -> DedupResult: ...
def _index_build(
    texts: Any,
    path: str,
    *,
    ids: Optional[List[str]] = ...,
    substrings: bool = ...,
    threshold: Optional[float] = ...,
    num_perm: Optional[int] = ...,
    bands: Optional[int] = ...,
    rows: Optional[int] = ...,
    shingle_words: Optional[int] = ...,
    shingle_chars: Optional[int] = ...,
    seed: Optional[int] = ...,
    keep_boilerplate: bool = ...,
    threads: int = ...,
) -> int: ...
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

_Piece = Tuple[int, str, str, Optional[str], int, int, bool]
_Columns4 = Tuple[bytes, bytes, bytes, bytes]

class SparkRun:
    """The steps of a run the Spark job calls (neardup.spark); see python/src/spark.rs."""

    def __init__(
        self,
        *,
        threshold: Optional[float] = ...,
        num_perm: Optional[int] = ...,
        bands: Optional[int] = ...,
        rows: Optional[int] = ...,
        shingle_words: Optional[int] = ...,
        shingle_chars: Optional[int] = ...,
        seed: Optional[int] = ...,
        keep: str = ...,
        grouping: str = ...,
        keep_boilerplate: bool = ...,
        text_field: str = ...,
        id_field: str = ...,
        format: Optional[str] = ...,
        on_error: str = ...,
    ) -> None: ...
    def settings(self) -> Tuple[int, int, int, int, bool, int, float]: ...
    def plan(self, paths: List[str], target: int) -> List[_Piece]: ...
    def sign_piece(self, piece: _Piece) -> Dict[str, Any]: ...
    def sign_texts(self, texts: List[str]) -> Dict[str, Any]: ...
    def resign_piece(self, piece: _Piece, rows: List[Tuple[int, int]], boilerplate: bytes) -> _Columns4: ...
    def resign_texts(self, texts: List[str], rows: List[Tuple[int, int]], boilerplate: bytes) -> _Columns4: ...
    def piece_records(self, piece: _Piece, removed: List[int]) -> List[Tuple[int, bytes]]: ...
    def group_pairs(
        self,
        lens: List[int],
        verified: List[Tuple[int, int, float]],
        copies: List[Tuple[int, int, float]],
    ) -> List[Tuple[int, List[int]]]: ...
