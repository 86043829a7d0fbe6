/// Floor and ceiling of integer quotients for any sign of the dividend; Swift's `/`
/// truncates towards zero, which is wrong for tiles left of or above the origin.
enum IntegerDivision {
    /// ⌊a / b⌋ for b > 0.
    static func floor(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && a < 0) ? quotient - 1 : quotient
    }

    /// ⌈a / b⌉ for b > 0.
    static func ceil(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && a > 0) ? quotient + 1 : quotient
    }
}
