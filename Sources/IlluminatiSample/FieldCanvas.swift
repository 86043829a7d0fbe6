/// A float image of accumulated fluorophore signal, placed at a known spot in well coordinates.
struct FieldCanvas {
    let values: UnsafeMutableBufferPointer<Float>
    let height: Int
    let width: Int
    /// Well coordinates of element (0, 0).
    let originY: Int
    let originX: Int

    /// Calls `body(index, dy, dx)` for every canvas pixel within `extent` (a square) of the
    /// well point (y, x); dy and dx are that pixel's offset from the point.
    @inline(__always)
    func forEach(around y: Float, _ x: Float, extent: Float, _ body: (Int, Float, Float) -> Void) {
        let localY = y - Float(originY), localX = x - Float(originX)
        let r0 = max(0, Int((localY - extent).rounded(.down)))
        let r1 = min(height - 1, Int((localY + extent).rounded(.up)))
        let c0 = max(0, Int((localX - extent).rounded(.down)))
        let c1 = min(width - 1, Int((localX + extent).rounded(.up)))
        guard r0 <= r1, c0 <= c1 else { return }
        for r in r0...r1 {
            let dy = Float(r) - localY
            let row = r * width
            for c in c0...c1 {
                body(row + c, dy, Float(c) - localX)
            }
        }
    }
}
