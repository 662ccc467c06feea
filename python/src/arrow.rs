//! Arrow columns in and out through the Arrow PyCapsule interface (the Arrow C data and C
//! stream interfaces, <https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>).
//!
//! In: any Python object that exports a column of strings (`__arrow_c_array__`: a pyarrow
//! `Array`, a polars `Series`...; `__arrow_c_stream__`: a pyarrow `ChunkedArray`, a table
//! column...). Its buffers are read where they lie: no Python object per text, no copy of the
//! text. Out: [`ArrowColumn`], an object that exports an Arrow array the same way, taken without
//! a copy by `pyarrow.array(...)` (pyarrow 14 and later), polars and others.

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi, to_ffi};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, ArrayRef, cast::AsArray, make_array};
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::ffi::CString;

/// The chunks of an imported column of strings.
pub struct Column {
    chunks: Vec<ArrayRef>,
}

fn arrow_err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("Arrow: {e}"))
}

/// The column `obj` exports, if it exports one (else `None`: a list or other iterable).
pub fn import(obj: &Bound<'_, PyAny>) -> PyResult<Option<Column>> {
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
        // SAFETY: the capsule named `arrow_array_stream` holds an FFI_ArrowArrayStream (the
        // interface's contract); `from_raw` moves it out and leaves a released one behind, so
        // the capsule's destructor does not release it twice.
        let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
        return read_stream(&mut stream).map(|chunks| Some(Column { chunks }));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
        let schema_ptr = schema.pointer_checked(Some(c"arrow_schema"))?;
        let array_ptr = array.pointer_checked(Some(c"arrow_array"))?;
        // SAFETY: the capsules hold an FFI_ArrowSchema and an FFI_ArrowArray (the interface's
        // contract); the array is moved out (its capsule keeps a released one), the schema
        // borrowed while its capsule is alive.
        let data = unsafe {
            let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast());
            from_ffi(array, &*schema_ptr.as_ptr().cast::<FFI_ArrowSchema>())
        }
        .map_err(arrow_err)?;
        return Ok(Some(Column {
            chunks: vec![make_array(data)],
        }));
    }
    Ok(None)
}

/// Every array of a C stream (of any type: a column's chunks, not only record batches).
fn read_stream(stream: &mut FFI_ArrowArrayStream) -> PyResult<Vec<ArrayRef>> {
    let last_error = |stream: &mut FFI_ArrowArrayStream, code: i32| -> PyErr {
        // SAFETY: get_last_error returns null or a C string valid until the next call.
        let msg = stream
            .get_last_error
            .map(|f| unsafe { f(stream) })
            .filter(|p| !p.is_null())
            .map(|p| unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("error {code}"));
        arrow_err(format!("reading the stream: {msg}"))
    };
    let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
        return Err(arrow_err("a released stream"));
    };
    let mut schema = FFI_ArrowSchema::empty();
    // SAFETY: the stream is live (its callbacks are set); the out-pointers are valid.
    let code = unsafe { get_schema(stream, &mut schema) };
    if code != 0 {
        return Err(last_error(stream, code));
    }
    let mut chunks = Vec::new();
    loop {
        let mut array = FFI_ArrowArray::empty();
        // SAFETY: as above; the array written is owned by us from here.
        let code = unsafe { get_next(stream, &mut array) };
        if code != 0 {
            return Err(last_error(stream, code));
        }
        if array.is_released() {
            break; // the end of the stream
        }
        // SAFETY: the array was produced for this schema.
        let data = unsafe { from_ffi(array, &schema) }.map_err(arrow_err)?;
        chunks.push(make_array(data));
    }
    Ok(chunks)
}

impl Column {
    /// Its texts, borrowed from the Arrow buffers. A null or a column of another type than
    /// strings (`string`, `large_string`, `string_view`) is an error.
    pub fn texts(&self) -> PyResult<Vec<&str>> {
        let mut out = Vec::with_capacity(self.chunks.iter().map(|c| c.len()).sum());
        for chunk in &self.chunks {
            if chunk.null_count() > 0 {
                let first = (0..chunk.len()).find(|&i| chunk.is_null(i)).unwrap_or(0);
                return Err(PyValueError::new_err(format!(
                    "texts: a null at index {}: every text must be a string",
                    out.len() + first
                )));
            }
            match chunk.data_type() {
                DataType::Utf8 => out.extend(chunk.as_string::<i32>().iter().flatten()),
                DataType::LargeUtf8 => out.extend(chunk.as_string::<i64>().iter().flatten()),
                DataType::Utf8View => out.extend(chunk.as_string_view().iter().flatten()),
                other => {
                    return Err(PyTypeError::new_err(format!(
                        "texts: an Arrow column of {other}, not of strings"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// An Arrow array handed to Python: `pyarrow.array(column)` (or any consumer of the Arrow
/// PyCapsule interface) takes it without a copy.
#[pyclass(frozen, module = "neardup")]
pub struct ArrowColumn {
    array: ArrayRef,
}

impl ArrowColumn {
    pub fn new(array: ArrayRef) -> Self {
        ArrowColumn { array }
    }
}

#[pymethods]
impl ArrowColumn {
    /// The Arrow PyCapsule interface: `(schema capsule, array capsule)`. A requested schema
    /// is not honoured (the array is exported as it is), which the interface allows.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        let _ = requested_schema;
        let (array, schema) = to_ffi(&self.array.to_data()).map_err(arrow_err)?;
        // A capsule's value is dropped with it: the FFI structs release what the consumer has
        // not moved out (a consumer that imports them marks them released).
        let schema = PyCapsule::new(py, schema, Some(CString::from(c"arrow_schema")))?;
        let array = PyCapsule::new(py, array, Some(CString::from(c"arrow_array")))?;
        Ok((schema, array))
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }

    fn __repr__(&self) -> String {
        format!("ArrowColumn({}, len={})", self.array.data_type(), self.array.len())
    }
}
