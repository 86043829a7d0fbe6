import Foundation

/// manifest.csv: one row per image file, paths relative to the manifest's directory.
enum SampleManifest {
    static let gridHeader = "path,plate,well,site_y,site_x,channel,cycle,tpoint,zplane,shift_y,shift_x"
    static let positionsHeader = "path,plate,well,stage_y,stage_x,channel,cycle,tpoint,zplane,shift_y,shift_x"

    static func text(_ plan: SamplePlan) -> String {
        let positions = plan.spec.positions
        var lines = [positions ? positionsHeader : gridHeader]
        lines.reserveCapacity(plan.acquisitions.count + 1)
        var index = 0
        let all = plan.acquisitions
        while index < all.count {
            // One well of one plate at a time, so positions mode can shuffle within the well.
            var end = index
            while end < all.count && all[end].plate == all[index].plate && all[end].well == all[index].well { end += 1 }
            var group = Array(all[index..<end])
            if positions { shuffle(&group, key: SampleHash.key(plan.spec.seed, 5, all[index].plate,
                                                               all[index].well.row, all[index].well.column)) }
            for a in group { lines.append(row(a, plan)) }
            index = end
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ a: SampleAcquisition, _ plan: SamplePlan) -> String {
        let location: [String]
        if plan.spec.positions {
            let stage = plan.stagePosition(a)
            location = [String(format: "%.2f", stage.y), String(format: "%.2f", stage.x)]
        } else {
            location = [String(a.siteY), String(a.siteX)]
        }
        return ([a.path, SamplePlan.plateName(a.plate), a.well.name] + location
            + [SampleChannels.name(a.channel), String(a.cycle), String(a.tpoint), String(a.zplane),
               String(a.shiftY), String(a.shiftX)]).joined(separator: ",")
    }

    /// Real acquisition software lists fields in the order the stage visited them, which is
    /// not the grid order; a seeded Fisher–Yates shuffle imitates that reproducibly.
    private static func shuffle(_ items: inout [SampleAcquisition], key: UInt64) {
        var rng = SplitMix64(seed: key)
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, rng.int(in: 0...i))
        }
    }
}
