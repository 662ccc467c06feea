//! Slices of plain values seen as their bytes, in place (native byte order).
//!
//! In: a slice of `u32`, `u64` or another [`Plain`] record. Out: the same memory as `&[u8]`,
//! without a copy: what the exact key of a token sequence hashes and what the work folder's
//! files are written from (and read back as, mapped).

/// Values whose bytes may be read in place and read back as values: integers, and records of
/// integers without padding (every bit pattern of their bytes is a valid value).
///
/// # Safety
///
/// An implementor has no padding, no pointer or reference, and every bit pattern of its
/// `size_of` bytes is a valid value.
pub(crate) unsafe trait Plain: Copy + Send + Sync + 'static {}
// SAFETY: integers: no padding, every bit pattern valid.
unsafe impl Plain for u32 {}
// SAFETY: as for u32.
unsafe impl Plain for u64 {}

/// The bytes of `values`, in place (native byte order).
pub(crate) fn plain_bytes<T: Plain>(values: &[T]) -> &[u8] {
    // SAFETY: `T` is Plain: initialized, without padding, `size_of_val` bytes in one
    // allocation living as long as `values`; `u8` has alignment 1.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), size_of_val(values)) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_are_the_values_in_native_order() {
        let v = [1u32, 0x0102_0304];
        let expected: Vec<u8> = v.iter().flat_map(|x| x.to_ne_bytes()).collect();
        assert_eq!(super::plain_bytes(&v), expected.as_slice());
        assert!(super::plain_bytes::<u64>(&[]).is_empty());
    }
}
