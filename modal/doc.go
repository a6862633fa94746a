// Package modal identifies a structure's modes from output-only (ambient)
// vibration: natural frequencies, damping ratios and mode shapes.
//
// Methods and sources:
//   - MAC: Allemang & Brown, "A correlation coefficient for modal vector
//     analysis", IMAC 1982.
//   - Hermitian eigen-decomposition of spectral matrices through the real
//     symmetric embedding [[A, −B], [B, A]] (DESIGN §2.3).
//   - Close modes: the Bayesian FFT method's most probable value and
//     posterior (Au, MSSP 26, 2012; Au, Brownjohn, Li & Raby, MSSP 147,
//     2021), see bayesfft.go; FDD, SSI-cov, stabilization and the
//     uncertainty law are cited where they are implemented.
//
// The package is deterministic and does no I/O.
package modal
