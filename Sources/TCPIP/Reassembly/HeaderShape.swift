/// What reassembly needs to know of a first fragment's unfragmentable part:
/// its length and, for IPv6, where its last next-header field is (the one
/// naming the fragment header, restored on completion). -1 when not known.
struct HeaderShape {
    var length: Int
    var nextHeaderField: Int
}
