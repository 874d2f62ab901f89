import CNetKernelSystem

/// Linux network namespaces, for running an adapter's device somewhere
/// other than the host's own network — as a Hyper-V vSwitch port puts a
/// VM's NIC on a network of its own. A namespace is a per-thread attribute:
/// entering one moves only the calling thread, so a TAP device opened on it
/// (and the sockets it makes) live in that namespace, and their descriptors
/// keep working from any thread afterwards.
public enum NetworkNamespace {
    /// Moves the calling thread into the namespace `ip netns add NAME` made
    /// (/var/run/netns/NAME), with setns(CLONE_NEWNET). Use a dedicated
    /// thread: a thread of a shared pool must not change namespace.
    public static func enter(named name: String) throws(TapError) {
        try enter(path: "/var/run/netns/\(name)")
    }

    /// Moves the calling thread into the namespace of the file at `path`.
    public static func enter(path: String) throws(TapError) {
        let status = nk_enter_netns(path)
        guard status == 0 else { throw .system(device: path, call: "setns", errno: -status) }
    }
}
