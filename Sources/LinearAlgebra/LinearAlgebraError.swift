/// Errors from the BLAS/LAPACK layer and from numeric array IO.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// A dimension or leading dimension does not fit the 32-bit integers BLAS/LAPACK take.
    case dimensionTooLarge(name: String, value: Int)
    /// A LAPACK routine returned a negative `info`: argument number `-info` was illegal.
    case illegalArgument(routine: String, argument: Int)
    /// A LAPACK routine returned a positive `info`: the algorithm failed to converge or the
    /// matrix was singular / not positive definite (meaning depends on the routine).
    case computationFailed(routine: String, info: Int)

    /// One line saying what happened and what to do.
    public var description: String {
        switch self {
        case .dimensionTooLarge(let name, let value):
            return "dimension \(name) = \(value) exceeds BLAS's 32-bit limit \(Int32.max); split the problem into smaller blocks"
        case .illegalArgument(let routine, let argument):
            return "LAPACK \(routine) rejected argument \(argument) (internal error: please report it)"
        case .computationFailed(let routine, let info):
            return "LAPACK \(routine) failed with info = \(info) (no convergence or singular input); check the input for NaN, Inf or rank deficiency"
        }
    }
}
