//! Slices of integers seen as their bytes, in place (native byte order).
//!
//! In: a slice of `u32` or `u64`. Out: the same memory as `&[u8]`, without a copy: what the
//! exact key of a token sequence hashes and what the work folder's run files are written from.

/// Integers whose bytes may be read in place (no padding, every bit pattern valid).
pub(crate) trait Int: Copy + private::Sealed {}
impl Int for u32 {}
impl Int for u64 {}
mod private {
    pub trait Sealed {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// The bytes of `values`, in place (native byte order).
pub(crate) fn int_bytes<T: Int>(values: &[T]) -> &[u8] {
    // SAFETY: `T` is u32 or u64 (sealed): initialized integers without padding, `size_of_val`
    // bytes in one allocation living as long as `values`; `u8` has alignment 1.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), size_of_val(values)) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_are_the_values_in_native_order() {
        let v = [1u32, 0x0102_0304];
        let expected: Vec<u8> = v.iter().flat_map(|x| x.to_ne_bytes()).collect();
        assert_eq!(super::int_bytes(&v), expected.as_slice());
        assert!(super::int_bytes::<u64>(&[]).is_empty());
    }
}
