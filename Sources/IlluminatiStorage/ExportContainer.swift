import Foundation
import IlluminatiCore

/// What an export's files are written into, below its temporary name (`ExportTarget`): the
/// files of a layer's DeepZoom folder, named as in `LayerLayout` (`NAME.dzi`,
/// `NAME_files/{level}/{col}_{row}.jpg`).
protocol ExportContainer: AnyObject {
    /// Starts the next layer, of `size` pixels at its base.
    func beginLayer(_ layer: LayerLayout, size: PixelSize) throws
    /// A file of the current layer, at `relative` below a DeepZoom folder.
    func write(_ relative: String, _ bytes: UnsafeRawBufferPointer) throws
    /// Completes the temporary; the target then publishes it.
    func finish() throws
}

/// A plain DeepZoom folder: the temporary is a folder, and every file is written straight to
/// its name inside it (nothing sees the folder before it is renamed into place). Folders and
/// files get the user's umask, as a folder for a web server should.
final class ExportFolder: ExportContainer {
    private let root: StorageFolder
    private var folders: [String: StorageFolder] = [:]

    init(_ target: ExportTarget) throws {
        // Only a missing name makes `subfolder` answer nil, and with `creating` it is made.
        root = try target.folder.subfolder(target.temporary, creating: true, mode: 0o777)!
    }

    func beginLayer(_ layer: LayerLayout, size: PixelSize) throws {}

    func write(_ relative: String, _ bytes: UnsafeRawBufferPointer) throws {
        let (folder, name) = ExperimentStorage.split(relative)
        try self.folder(folder).createFile(name, bytes)
    }

    func finish() throws {}

    /// The folder `relative` of the export, made when missing and kept open for its next files.
    private func folder(_ relative: String) throws -> StorageFolder {
        if relative.isEmpty { return root }
        if let open = folders[relative] { return open }
        let (above, name) = ExperimentStorage.split(relative)
        let made = try folder(above).subfolder(name, creating: true, mode: 0o777)!
        folders[relative] = made
        return made
    }
}

/// One `.szi` file: a stored ZIP (`ZipWriter`, ZIP64 once a plate needs it) of one layer's
/// DeepZoom folder below a folder named after the layer, as `vips dzsave --container szi`
/// writes it and SZI readers look for it (exactly one `NAME/NAME.dzi`):
///
///     NAME/NAME.dzi
///     NAME/NAME_files/{level}/{col}_{row}.jpg     every tile of every level
///     NAME/scan-properties.xml                    the SZI format's properties: the image size
///
/// vips adds `NAME/NAME_files/vips-properties.xml`, its own image header, which no reader
/// needs; it is left out, and the properties carry no date, so the same tiles give the same bytes.
final class ExportArchive: ExportContainer {
    private let file: Int32
    private let path: String
    private var open = true
    private let archive: ZipWriter
    private var layer: (layout: LayerLayout, size: PixelSize)?

    init(_ target: ExportTarget, limits: ZipFormat.Limits = .plain) throws {
        // Messages name the export, not its hidden temporary.
        path = target.path
        file = openat(target.folder.descriptor, target.temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw StorageError.system(target.path, "cannot create") }
        archive = ZipWriter(file: file, path: path, capacity: .zip64(limits: limits))
    }

    deinit { if open { close(file) } }

    func beginLayer(_ layer: LayerLayout, size: PixelSize) throws {
        if let current = self.layer { throw ExportError.oneLayerPerSZI([current.layout.name, layer.name]) }
        self.layer = (layer, size)
    }

    func write(_ relative: String, _ bytes: UnsafeRawBufferPointer) throws {
        guard let layer else { throw StorageError(path: path, reason: "\(relative) is written before its layer") }
        try archive.add(layer.layout.name + "/" + relative, bytes)
    }

    func finish() throws {
        if let layer {
            try Array(Self.scanProperties(layer.size).utf8).withUnsafeBytes {
                try archive.add(layer.layout.name + "/" + Self.scanPropertiesName, $0)
            }
        }
        try archive.finish()
        open = false
        guard close(file) == 0 else { throw StorageError.system(path, "cannot write") }
    }

    static let scanPropertiesName = "scan-properties.xml"

    /// The SZI format's properties, as vips writes them for an image without a slide's metadata.
    static func scanProperties(_ size: PixelSize) -> String {
        """
        <?xml version="1.0"?>
        <image xmlns="http://www.pathozoom.com/szi" version="1.0">
          <properties>
            <property>
              <name>ImageWidth</name>
              <value type="gint">\(size.width)</value>
            </property>
            <property>
              <name>ImageHeight</name>
              <value type="gint">\(size.height)</value>
            </property>
          </properties>
        </image>

        """
    }
}
