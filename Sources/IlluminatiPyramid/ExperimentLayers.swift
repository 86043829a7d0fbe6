import IlluminatiCore

/// From the experiment model to the plain values a render context takes.
public enum ExperimentLayers {
    /// The site images of `layer`, placed by `layout`, in site order (plate, well, site).
    ///
    /// With `align`, each image gets its site's shift for its cycle (0 where the manifest has
    /// none) and the site's residues over all cycles of the experiment (§3.3).
    public static func sites(of layer: ChannelLayer, in experiment: Experiment, layout: PlateLayout,
                             align: Bool) -> [SiteSource] {
        var shiftOf: [ShiftKey: PixelOffset] = [:]
        var residuesOfSite: [Experiment.SiteKey: SiteResidues] = [:]
        if align {
            for entry in experiment.shifts {
                shiftOf[ShiftKey(site: entry.site, cycle: entry.cycle)] = entry.shift
            }
            residuesOfSite = experiment.siteResidues
        }
        let images = experiment.images.filter {
            $0.channel == layer.key.channel && $0.cycle == layer.key.cycle
                && $0.tpoint == layer.key.tpoint && $0.zplane == layer.key.zplane
        }.sorted { $0.site < $1.site }
        return images.map { image in
            let key = image.site
            let offset = layout.plates[key.plate].wells[key.well].sites[key.site].offset
            guard align else { return SiteSource(path: image.path, offset: offset) }
            // A cycle without a recorded shift is unshifted, which adds 0 to the residues.
            return SiteSource(path: image.path, offset: offset,
                              shift: shiftOf[ShiftKey(site: key, cycle: image.cycle)] ?? PixelOffset(y: 0, x: 0),
                              residues: residuesOfSite[key] ?? .none)
        }
    }

    /// The layers named (in the order given, each once), or every layer for nil.
    /// - Throws: `PyramidError.unknownLayer` naming the layers the experiment has.
    public static func select(_ names: [String]?, in experiment: Experiment) throws -> [ChannelLayer] {
        let all = experiment.layers
        guard let names else { return all }
        var chosen: [ChannelLayer] = []
        for name in names {
            guard let layer = all.first(where: { $0.name == name }) else {
                throw PyramidError.unknownLayer("\(name) (the experiment has \(all.map(\.name).joined(separator: ", ")))")
            }
            if !chosen.contains(layer) { chosen.append(layer) }
        }
        return chosen
    }

    /// Base-level rectangles of the sites: where the layer has pixels.
    public static func content(of sites: [SiteSource], siteSize: PixelSize) -> [PixelRect] {
        sites.map { PixelRect(y: $0.offset.y, x: $0.offset.x, height: siteSize.height, width: siteSize.width) }
    }

    private struct ShiftKey: Hashable {
        var site: Experiment.SiteKey
        var cycle: Int
    }
}
