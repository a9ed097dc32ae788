/// Settings of the L-BFGS minimiser. Defaults follow scikit-learn's `lbfgs` solver (scipy
/// L-BFGS-B as `_logistic_regression_path` calls it, docs/reference/linear-probe.md, "Optimizer").
public struct LBFGSOptions: Sendable {
    /// Number of (s, y) pairs kept: 10, scipy's default `maxcor`.
    public var memory = 10
    /// Stop when max |gradient| ≤ this (scipy `pgtol`, sklearn `tol`; default 1e-4).
    public var gradientTolerance = 1e-4
    /// Stop when the relative decrease of f is ≤ this: `64·ε` (sklearn passes `ftol = 64·eps`).
    public var relativeDecreaseTolerance = 64 * Double.ulpOfOne
    /// Maximum accepted steps (sklearn `max_iter`, whose default is 100).
    public var maximumIterations = 100
    /// Maximum function evaluations per line search: 50 (sklearn overrides scipy's default 20
    /// with `maxls=50`).
    public var maximumLineSearchEvaluations = 50
    /// Sufficient-decrease constant c1 = 1e-3 (scipy's `dcsrch` ftol).
    public var sufficientDecrease = 1e-3
    /// Curvature constant c2 = 0.9 (scipy's `dcsrch` gtol).
    public var curvature = 0.9

    /// Creates default options.
    public init() {}
}

/// Why the minimiser stopped.
public enum LBFGSStopReason: String, Sendable, Codable {
    /// max |g| ≤ tolerance (converged).
    case gradientTolerance = "gradient_tolerance"
    /// Relative decrease of f ≤ 64·ε (converged).
    case relativeDecrease = "relative_decrease"
    /// The iteration limit was reached (not converged).
    case maximumIterations = "max_iter"
    /// The line search failed with an empty memory (not converged).
    case lineSearchFailure = "line_search_failure"

    /// Whether this counts as convergence.
    public var isConverged: Bool { self == .gradientTolerance || self == .relativeDecrease }
}

/// The result of a minimisation.
public struct LBFGSResult: Sendable {
    /// The final point.
    public var solution: [Double]
    /// f at the final point.
    public var value: Double
    /// max |∇f| at the final point.
    public var maximumGradient: Double
    /// Accepted steps (sklearn's `n_iter_`).
    public var iterations: Int
    /// Function (and gradient) evaluations.
    public var functionEvaluations: Int
    /// Why it stopped.
    public var stopReason: LBFGSStopReason
}

/// Minimises a smooth function with L-BFGS (two-loop recursion) and a strong-Wolfe line search.
///
/// Direction `p = −H g` with `H₀ = (sᵀy / yᵀy)·I` from the newest pair; a pair is stored only if
/// `sᵀy > ε·(−gᵀp)·α` (as L-BFGS-B). First trial step `1/‖g‖₂`, later 1. The line search
/// brackets and zooms with safeguarded cubic interpolation until
/// `f(α) ≤ f₀ + c1·α·g₀ᵀp` and `|g(α)ᵀp| ≤ c2·|g₀ᵀp|` (Nocedal & Wright, Algorithms 3.5–3.6);
/// a non-finite f counts as "too far". A failed search with memory resets the memory and
/// retries from the same point; with an empty memory it stops. Stopping rules as sklearn/scipy
/// (docs/reference/linear-probe.md, "Stopping rules"): max|g| ≤ tol, then relative decrease ≤ 64ε, then the iteration limit.
///
/// - Parameters:
///   - start: Initial point.
///   - options: Tolerances and limits.
///   - progress: Called after each accepted step with (iteration, f, max|g|).
///   - objective: Returns f(x) and writes ∇f(x) into its second argument.
/// - Returns: The final point, value, counts and stop reason.
public func minimizeLBFGS(
    start: [Double], options: LBFGSOptions = LBFGSOptions(), progress: ((Int, Double, Double) -> Void)? = nil,
    objective: ([Double], inout [Double]) -> Double
) -> LBFGSResult {
    let n = start.count
    var x = start
    var g = [Double](repeating: 0, count: n)
    var f = objective(x, &g)
    var evaluations = 1
    var iterations = 0
    var sPairs: [[Double]] = [], yPairs: [[Double]] = [], rho: [Double] = []
    func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { Swift.max($0, abs($1)) } }
    func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
    func finish(_ reason: LBFGSStopReason) -> LBFGSResult {
        LBFGSResult(solution: x, value: f, maximumGradient: maxAbs(g), iterations: iterations, functionEvaluations: evaluations, stopReason: reason)
    }
    var trial = [Double](repeating: 0, count: n)
    var trialGradient = [Double](repeating: 0, count: n)
    while true {
        if maxAbs(g) <= options.gradientTolerance { return finish(.gradientTolerance) }
        if iterations >= options.maximumIterations { return finish(.maximumIterations) }
        // Two-loop recursion.
        var q = g
        var alphas = [Double](repeating: 0, count: sPairs.count)
        for j in stride(from: sPairs.count - 1, through: 0, by: -1) {
            alphas[j] = rho[j] * dot(sPairs[j], q)
            for i in 0..<n { q[i] -= alphas[j] * yPairs[j][i] }
        }
        if let s = sPairs.last, let y = yPairs.last {
            let gamma = dot(s, y) / dot(y, y)
            for i in 0..<n { q[i] *= gamma }
        }
        for j in 0..<sPairs.count {
            let beta = rho[j] * dot(yPairs[j], q)
            for i in 0..<n { q[i] += sPairs[j][i] * (alphas[j] - beta) }
        }
        var p = q.map { -$0 }
        var slope = dot(g, p)
        if !(slope < 0) {
            sPairs.removeAll(); yPairs.removeAll(); rho.removeAll()
            p = g.map { -$0 }
            slope = dot(g, p)
        }
        let firstStep = sPairs.isEmpty && iterations == 0
        var alpha = firstStep ? 1 / dot(p, p).squareRoot() : 1.0

        // Strong-Wolfe line search.
        var lineEvaluations = 0
        var accepted = false
        var fNew = f
        func evaluate(_ a: Double) -> (Double, Double) {
            for i in 0..<n { trial[i] = x[i] + a * p[i] }
            let value = objective(trial, &trialGradient)
            evaluations += 1
            lineEvaluations += 1
            return (value, dot(trialGradient, p))
        }
        var (previousAlpha, previousF, previousSlope) = (0.0, f, slope)
        var low = (alpha: 0.0, f: f, slope: slope), high = (alpha: 0.0, f: f, slope: slope)
        var zooming = false
        while lineEvaluations < options.maximumLineSearchEvaluations {
            if zooming {
                // Safeguarded cubic interpolation between low and high.
                let (a0, a1) = (low.alpha, high.alpha)
                let d1 = low.slope + high.slope - 3 * (low.f - high.f) / (a0 - a1)
                let radicand = d1 * d1 - low.slope * high.slope
                var candidate = (a0 + a1) / 2
                if radicand >= 0 {
                    let d2 = (a1 > a0 ? 1.0 : -1.0) * radicand.squareRoot()
                    let cubic = a1 - (a1 - a0) * (high.slope + d2 - d1) / (high.slope - low.slope + 2 * d2)
                    if cubic.isFinite { candidate = cubic }
                }
                let lo = Swift.min(a0, a1), hi = Swift.max(a0, a1), margin = 0.1 * (hi - lo)
                alpha = Swift.min(Swift.max(candidate, lo + margin), hi - margin)
                let (fa, da) = evaluate(alpha)
                if !fa.isFinite || fa > f + options.sufficientDecrease * alpha * slope || fa >= low.f {
                    high = (alpha, fa.isFinite ? fa : .greatestFiniteMagnitude, da.isFinite ? da : 0)
                } else {
                    if abs(da) <= -options.curvature * slope {
                        fNew = fa
                        accepted = true
                        break
                    }
                    if da * (high.alpha - low.alpha) >= 0 { high = low }
                    low = (alpha, fa, da)
                }
                if abs(high.alpha - low.alpha) < 1e-16 * Swift.max(1, abs(low.alpha)) { break }
                continue
            }
            let (fa, da) = evaluate(alpha)
            if !fa.isFinite {
                // Too far: bracket between the previous point and here.
                low = (previousAlpha, previousF, previousSlope)
                high = (alpha, .greatestFiniteMagnitude, 0)
                zooming = true
                continue
            }
            if fa > f + options.sufficientDecrease * alpha * slope || (lineEvaluations > 1 && fa >= previousF) {
                low = (previousAlpha, previousF, previousSlope)
                high = (alpha, fa, da)
                zooming = true
                continue
            }
            if abs(da) <= -options.curvature * slope {
                fNew = fa
                accepted = true
                break
            }
            if da >= 0 {
                low = (alpha, fa, da)
                high = (previousAlpha, previousF, previousSlope)
                zooming = true
                continue
            }
            (previousAlpha, previousF, previousSlope) = (alpha, fa, da)
            alpha *= 2
        }
        if !accepted {
            if sPairs.isEmpty { return finish(.lineSearchFailure) }
            sPairs.removeAll(); yPairs.removeAll(); rho.removeAll()
            continue
        }
        // Accept the step.
        var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            s[i] = alpha * p[i]
            y[i] = trialGradient[i] - g[i]
        }
        let sy = dot(s, y)
        if sy > Double.ulpOfOne * (-slope) * alpha {
            if sPairs.count == options.memory {
                sPairs.removeFirst(); yPairs.removeFirst(); rho.removeFirst()
            }
            sPairs.append(s); yPairs.append(y); rho.append(1 / sy)
        }
        let previous = f
        x = trial
        g = trialGradient
        f = fNew
        iterations += 1
        progress?(iterations, f, maxAbs(g))
        if maxAbs(g) <= options.gradientTolerance { return finish(.gradientTolerance) }
        if (previous - f) / Swift.max(abs(previous), abs(f), 1) <= options.relativeDecreaseTolerance { return finish(.relativeDecrease) }
    }
}
