// rust-target.rs: a Rust program for test-demangle: generics, closures, trait and inherent impls, a non-ASCII name.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Built twice by tests/meson.build (v0 and legacy symbol mangling); its
// symbols are compared with c++filt's, and laprof-cli records it. It runs
// for the milliseconds given as its first argument (default 1500), mostly
// in hot_loop and the closure it calls.

use std::fmt::Debug;
use std::time::{Duration, Instant};

pub trait Shape {
    fn area(&self) -> f64;
}

pub struct Square(f64);

impl Shape for Square {
    #[inline(never)]
    fn area(&self) -> f64 {
        self.0 * self.0
    }
}

pub struct Wrapper<T> {
    items: Vec<T>,
}

impl<T: Copy + Into<u64>> Wrapper<T> {
    #[inline(never)]
    pub fn sum(&self) -> u64 {
        self.items.iter().map(|&x| x.into()).sum()
    }
}

impl<T: Debug> Debug for Wrapper<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Wrapper{:?}", self.items)
    }
}

#[inline(never)]
pub fn generic_max<T: PartialOrd + Copy>(items: &[T]) -> Option<T> {
    let mut best: Option<T> = None;
    for &x in items {
        if best.map_or(true, |b| x > b) {
            best = Some(x);
        }
    }
    best
}

#[inline(never)]
pub fn with_array<const N: usize>(a: [u8; N]) -> usize {
    a.iter().map(|&x| x as usize).sum::<usize>() + N
}

#[inline(never)]
pub fn call_dyn(f: &dyn Fn(u64) -> u64, x: u64) -> u64 {
    f(x)
}

#[inline(never)]
pub fn call_fn_ptr(f: fn(&str) -> usize, s: &str) -> usize {
    f(s)
}

// std::hint::black_box is not stable in rustc 1.63: a volatile read keeps
// the optimizer from folding the work away
#[inline(never)]
pub fn black_box<T: Copy>(x: T) -> T {
    unsafe { std::ptr::read_volatile(&x) }
}

// a non-ASCII identifier: v0 writes it as punycode, legacy as $u..$ escapes
#[inline(never)]
pub fn grüße(n: u64) -> u64 {
    n.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(7)
}

#[inline(never)]
pub fn hot_loop(until: Instant) -> u64 {
    let mut acc = 0u64;
    let step = |x: u64| -> u64 {
        let mut y = x;
        for _ in 0..1000 {
            y = black_box(y.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407));
        }
        y
    };
    while Instant::now() < until {
        acc = step(acc);
        acc ^= grüße(acc);
    }
    acc
}

fn main() {
    let ms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1500);
    let square = Square(black_box(3.0));
    let shapes: Vec<Box<dyn Shape>> = vec![Box::new(square)];
    let area: f64 = shapes.iter().map(|s| s.area()).sum();
    let w8 = Wrapper { items: vec![1u8, 2, 3] };
    let w32 = Wrapper { items: vec![10u32, 20] };
    let m = generic_max(&[3i32, 9, -2]).unwrap_or(0) as u64
        + generic_max(&[1.5f64, 0.5]).map_or(0, |x| x as u64)
        + generic_max(&['a', 'z']).map_or(0, |c| c as u64);
    let arr = with_array([1u8, 2, 3]) + with_array([7u8; 5]);
    let k = 5u64;
    let d = call_dyn(&|x| x + k, 1);
    let p = call_fn_ptr(str::len, "héllo");
    let acc = hot_loop(Instant::now() + Duration::from_millis(ms));
    println!(
        "{} {} {} {:?} {} {} {} {} {}",
        area,
        w8.sum(),
        w32.sum(),
        w8,
        m,
        arr,
        d,
        p,
        acc & 1
    );
}
