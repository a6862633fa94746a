// Package dsp is struna's signal processing for operational modal analysis:
// detrending, Butterworth and Chebyshev type I filters as second-order
// sections, zero-phase filtering, anti-aliased decimation and polyphase
// resampling, spectral windows, the Welch cross-spectral density matrix of all
// channels, and the matrix of output correlation functions by FFT that feeds
// SSI-cov's block Hankel matrix.
//
// The package does no I/O, keeps no global state and is deterministic: the
// same input gives bit-identical output. Functions return errors for bad
// input (unequal channel lengths, segments longer than the record, NaN or
// infinite samples, out-of-range frequencies) and never panic on them.
//
// # Where the methods come from
//
//   - Filter design: analog prototype (Butterworth, Chebyshev I), frequency
//     transformation, bilinear transform with pre-warping, as in
//     A. V. Oppenheim and R. W. Schafer, Discrete-Time Signal Processing,
//     3rd ed., Pearson 2010, §7.1–7.2. The pole/zero pairing into second-order
//     sections, the filter initial conditions and the forward-backward
//     padding follow scipy.signal (butter/cheby1 with output='sos', zpk2sos
//     'nearest' pairing, sosfilt_zi, sosfiltfilt with odd extension) so that
//     results agree with scipy 1.10 to rounding; testdata/make_golden.py
//     produces the reference values.
//   - Decimation mirrors scipy.signal.decimate with its defaults
//     (ftype='iir', zero_phase=True): an order-8 Chebyshev I low-pass with
//     0.05 dB ripple at 0.8 of the new Nyquist frequency, applied forward and
//     backward, then every q-th sample. Resample mirrors
//     scipy.signal.resample_poly: a Kaiser-windowed (β = 5) sinc FIR of
//     20·max(up, down)+1 taps evaluated polyphase, zero padding at the ends.
//   - Spectral density: P. D. Welch, "The use of fast Fourier transform for
//     the estimation of power spectra", IEEE Trans. Audio Electroacoust.
//     AU-15(2), 70–73, 1967; J. S. Bendat and A. G. Piersol, Random Data:
//     Analysis and Measurement Procedures, 4th ed., Wiley 2010, ch. 11;
//     R. Brincker and C. E. Ventura, Introduction to Operational Modal
//     Analysis, Wiley 2015, ch. 8. Scaling and the cross-spectrum convention
//     are those of scipy.signal.csd: G_ij(f) = 2·E[conj(X_i(f))·X_j(f)] /
//     (fs·Σw²) for the one-sided density (no doubling at DC and Nyquist).
//   - Correlation functions: Bendat & Piersol ch. 11.4 and Brincker & Ventura
//     ch. 8.2, R_ij(k) = 1/(N−k) Σ_t x_i(t+k)·x_j(t) (unbiased), computed
//     by zero-padded FFTs block by block (overlap-add of the cross products,
//     no circular wrap-around).
//   - Windows: F. J. Harris, "On the use of windows for harmonic analysis
//     with the discrete Fourier transform", Proc. IEEE 66(1), 1978; the
//     coefficients and the periodic/symmetric convention of scipy.signal.windows.
package dsp
