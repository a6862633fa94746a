// Package sim simulates the ambient vibration of a building whose modes are
// known exactly, so that every modal-identification result in struna can be
// judged against the truth.
//
// # Model
//
// The building is a multi-storey, torsionally coupled shear building
// (A. K. Chopra, Dynamics of Structures, the chapters on
// multi-degree-of-freedom systems: shear buildings, one-storey and
// multi-storey unsymmetric-plan systems, classical damping): floor i = 1..n is a
// rigid diaphragm with three degrees of freedom at its centre of mass (CM),
// u_x,i, u_y,i and the rotation θ_i (counter-clockwise, about the vertical
// axis). Plan coordinates (x, y) are metres from the plan's geometric
// centre, which is also the centre of rigidity (CR) of every storey. The
// CM of floor i sits at (e_x,i, e_y,i), so translation and torsion couple.
//
// Rigid-diaphragm kinematics give, for a point P = (x, y) of floor i,
//
//	u_x(P) = u_x,i − (y − e_y,i)·θ_i
//	u_y(P) = u_y,i + (x − e_x,i)·θ_i
//
// and in particular the CR (x = y = 0) moves by T_i q_i with
//
//	T_i = [1 0 e_y,i; 0 1 −e_x,i; 0 0 1],   q_i = (u_x,i, u_y,i, θ_i).
//
// Storey i (between floor i−1 and floor i, floor 0 the fixed ground) has
// lateral stiffnesses k_x,i, k_y,i acting at the CR and a torsional
// stiffness k_θ,i about the CR. Its deformation is d_i = T_i q_i − T_{i−1}
// q_{i−1} (q_0 = 0), its strain energy ½ d_iᵀ diag(k_x, k_y, k_θ) d_i, so
//
//	K = Σ_i B_iᵀ diag(k_x,i, k_y,i, k_θ,i) B_i,   M = diag(m_1, m_1, J_1, …, m_n, m_n, J_n)
//
// where B_i picks d_i out of q. K is symmetric positive definite whenever
// every stiffness is positive (a grounded chain); M is diagonal with J_i
// the floor's mass moment of inertia about its CM (m(L_x²+L_y²)/12 for a
// uniform rectangular slab).
//
// Regular buildings (RegularBuilding) take k_θ = c·(k_x·L_y² + k_y·L_x²)/12:
// with c = 1 this is lateral stiffness spread uniformly over the plan
// (∫ y² k_x/L_y dy over the depth), with c = 3 it is all on the perimeter;
// the default c = 2 is in between and puts the first torsional mode about
// 1.3–1.5 times above the first translational ones, as in ordinary
// regular buildings.
//
// Damage multiplies k_x,i and k_y,i of a storey by factors f_x, f_y and
// k_θ,i by f_θ = (f_x·k_x·L_y² + f_y·k_y·L_x²)/(k_x·L_y² + k_y·L_x²) unless
// given: the torsional stiffness loses what its lateral elements lose under
// the uniform-distribution weighting above.
//
// # Modes
//
// K φ = ω² M φ is solved as the symmetric problem (M^{-1/2} K M^{-1/2}) v =
// ω² v (gonum mat.EigenSym), φ = M^{-1/2} v, so Φᵀ M Φ = I (mass
// normalised). Damping is classical and set exactly per mode:
//
//	C = M Φ diag(2 ζ_k ω_k) Φᵀ M,
//
// so the equations decouple in modal coordinates η (q = Φ η):
//
//	η̈_k + 2 ζ_k ω_k η̇_k + ω_k² η_k = p_k(t) = φ_kᵀ F(t).
//
// The truth is f_k = ω_k/2π, ζ_k and φ_k at every degree of freedom and
// at every sensor (the sensor's row of the kinematics above applied to
// φ_k).
//
// # Forcing
//
//   - Ambient: independent, zero-mean Gaussian white forces F_x, F_y at
//     every floor's CM and a torque F_θ = ρ_i·w with ρ_i = √(J_i/m_i) the
//     radius of gyration (independent forces spread over the plan make a
//     torque of that order). Their level is set so that the expected
//     stationary RMS acceleration of the roof CM, √((σ_x²+σ_y²)/2), equals
//     Config.AmbientRMS (computed exactly from the stationary covariance,
//     not by trial). Being white up to the Nyquist frequency, they give
//     acceleration spectra a flat floor above the modes (the force fed
//     straight through, F/m), about (2ζ)² below the resonant peaks; the
//     RMS of lower floors can therefore be close to the roof's.
//   - Base excitation: ground acceleration a_g(t) (white with a given RMS,
//     or a given series) in x and/or y gives the effective force −M r a_g
//     with r the rigid-body translation; sensors read absolute
//     acceleration (relative + a_g).
//   - Harmonic (machinery) forces F·sin(2πft + φ) at a point of a floor:
//     added as the exact steady-state response, Im{Σ_k s_k(−Ω²)φ_kᵀf /
//     (ω_k² − Ω² + 2iζ_kω_kΩ) e^{i(Ωt+φ)}}, with no discretisation at all.
//     Their lines are not structural modes; the truth lists them apart.
//
// # Time integration
//
// Each mode is discretised exactly: with state s = (η, η̇/ω) (scaled so
// the state matrix has O(ωh) entries), the transition matrix and the input
// integrals come from one matrix exponential of Van Loan's block matrix
// (Van Loan 1978, "Computing integrals involving the matrix exponential",
// IEEE TAC 23(3)) computed by gonum mat.Exp. The input is held by a
// first-order hold (linear between samples):
//
//	s_{j+1} = Φ s_j + (Γ₀ − Λ)·p_j + Λ·p_{j+1},
//	Γ₀ = ∫₀ʰ e^{Aτ}B dτ,  Λ = (1/h) ∫₀ʰ e^{Aτ}B (h−τ) dτ,
//
// which is exact for every piecewise-linear input, so for steps, ramps and
// a sampled ground-acceleration record interpreted linearly (a zero-order
// hold would delay such a record by half a sample). The white forces are
// i.i.d. samples interpolated the same way, i.e. band-limited noise with
// two-sided force spectrum σ²h·sinc⁴(fh), flat within 1 % below fs/10.
// Acceleration at a sample time is η̈ = p − 2ζωη̇ − ω²η, with the force
// fed through directly, as is usual for simulated OMA data (R. Brincker
// and C. Ventura, Introduction to Operational Modal Analysis, Wiley 2015).
//
// The record starts in the stationary state rather than after a warm-up:
// the joint covariance P of z_j = s_j − Λp_j over all modes solves the
// discrete Lyapunov equation P = Φ P Φᵀ + G Σ_p Gᵀ (G = ΦΛ + Γ₀ − Λ,
// Σ_p the modal force covariance), one 4×4 Kronecker system per pair of
// modes, and the initial state is drawn from N(0, P). No samples are
// wasted and lightly damped buildings have no start transient whatever
// their damping. A base-acceleration series, which is a given record,
// starts from rest.
//
// # Sensors and noise
//
// A sensor is an accelerometer at a floor (0 = ground), plan position and
// axis x, y or z. Horizontal sensors read the absolute acceleration of
// their point by the kinematics above; z sensors and ground-floor sensors
// read the ground motion only (z: none), i.e. noise alone when there is
// no base excitation. Sensor noise is independent white Gaussian per
// channel with variance var(signal)/10^(SNR/10) of that channel's realised
// signal (channels whose signal is identically zero use the mean signal
// variance of the others), plus an optional absolute floor.
//
// Mode shapes at the sensors are given normalised to unit max-abs with the
// largest component positive (the first of equal-magnitude components,
// within 1e-9, wins), and also to unit Euclidean norm with the same sign.
//
// # Determinism
//
// Random numbers come from math/rand/v2 PCG streams seeded by Config.Seed,
// one stream each for the forces, the initial state and the sensor noise,
// so changing the SNR does not change the structural response. Everything
// runs on one goroutine in a fixed order: the same Config and seed give
// bit-identical output whatever GOMAXPROCS is.
package sim
