import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// WskControlSocket on datagram sockets: socket options and IOCTLs (WSK §6),
/// and the encodings their buffers use.
@Suite struct WskControlSocketTests {
    @Test func theWindowsValuesOfTheCodes() {
        #expect(WskControlCode.solSocket == 0xFFFF)
        #expect(WskControlCode.ipprotoIPv6 == 41)
        #expect(WskControlCode.reuseAddress == 0x0004)
        #expect(WskControlCode.exclusiveAddressUse == ~WskControlCode.reuseAddress)
        #expect(WskControlCode.broadcast == 0x0020)
        #expect(WskControlCode.receiveBuffer == 0x1002)
        #expect(WskControlCode.eventCallback == 0x4002)
        #expect(WskControlCode.ipv6V6Only == 27)
        #expect(WskControlCode.setRemoteAddress == 0x8F00_0001)
        #expect(WskControlCode.registerExtension == 0xCF00_0002)
        #expect(WskControlCode.queryReceiveBacklog == 0x4F00_0004)
        #expect(WskControlCode.setSendToAddress == 0x8F00_0006)
        #expect(WskControlCode.transportListQuery == 2)
        #expect(WskControlCode.setStaticEventCallbacks == 7)
        #expect(WskEventMask.receiveFrom.rawValue == 0x100)
        #expect(WskEventMask.disable.rawValue == 0x8000_0000)
        #expect(WskControlSocketType.ioctl.rawValue == 2)
        #expect(WskReceiveFlags.truncated.rawValue == 0x100)
        #expect(WskReceiveFlags.broadcast.rawValue == 0x400)
    }

    @Test func optionDefaults() {
        let pair = WskPair()
        let v4 = pair.datagramSocket(pair.bobNpi)
        let v6 = pair.datagramSocket(pair.bobNpi, family: .inet6)
        for socket in [v4, v6] {
            #expect(socket.option(WskControlCode.reuseAddress).value == 0)
            #expect(socket.option(WskControlCode.exclusiveAddressUse).value == 0)
            #expect(socket.option(WskControlCode.broadcast).value == 0)
            #expect(socket.option(WskControlCode.receiveBuffer).value == 65_536)
        }
        #expect(v6.option(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6).value == 1)
        #expect(v4.option(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6).status == .invalidParameter)
        pair.finish([v4, v6])
    }

    @Test func optionsRoundTripWithAndWithoutAnIRP() {
        let pair = WskPair()
        let socket = pair.datagramSocket(pair.bobNpi, family: .inet6)
        for (code, level, value) in [(WskControlCode.broadcast, WskControlCode.solSocket, UInt32(1)),
                                     (WskControlCode.receiveBuffer, WskControlCode.solSocket, 4_096),
                                     (WskControlCode.ipv6V6Only, WskControlCode.ipprotoIPv6, 0),
                                     (WskControlCode.reuseAddress, WskControlCode.solSocket, 1)] {
            #expect(socket.setOption(code, level: level, value) == .success)
            #expect(socket.option(code, level: level).value == value)
            // No IRP: the status comes back from the call alone.
            var raw = (value ^ 1).littleEndian
            #expect(withUnsafeBytes(of: &raw) {
                socket.controlSocket(.setOption, controlCode: code, level: level, input: $0, output: nil,
                                     outputSizeReturned: nil, irp: nil)
            } == .success)
            var out: UInt32 = 0
            var returned = 0
            #expect(withUnsafeMutableBytes(of: &out) {
                socket.controlSocket(.getOption, controlCode: code, level: level, input: nil, output: $0,
                                     outputSizeReturned: &returned, irp: nil)
            } == .success)
            #expect(returned == 4)
            #expect(UInt32(littleEndian: out) == value ^ 1)
        }
        pair.finish([socket])
    }

    @Test func unknownOptionsLevelsAndIoctlsAreNotSupported() {
        let pair = WskPair()
        let socket = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        #expect(socket.setOption(0x7777, 1) == .notSupported)
        #expect(socket.option(0x7777).status == .notSupported)
        // TCP_NODELAY at IPPROTO_TCP means nothing to a UDP socket.
        #expect(socket.setOption(1, level: 6, 1) == .notSupported)
        #expect(socket.option(1, level: 6).status == .notSupported)
        // SO_WSK_EVENT_CALLBACK is set, never read.
        #expect(socket.option(WskControlCode.eventCallback).status == .notSupported)
        // No extension interface exists.
        #expect(socket.ioctl(WskControlCode.registerExtension, input: [UInt8](repeating: 0, count: 32),
                             outputSize: 16).status == .notSupported)
        #expect(socket.ioctl(0x4F00_0099, input: nil, outputSize: 8).status == .notSupported)
        pair.finish([socket])
    }

    @Test func aMissingOrShortOptionValueIsInvalidParameter() {
        let pair = WskPair()
        let socket = pair.datagramSocket(pair.bobNpi, family: .inet6)
        for (code, level) in [(WskControlCode.broadcast, WskControlCode.solSocket),
                              (WskControlCode.receiveBuffer, WskControlCode.solSocket),
                              (WskControlCode.reuseAddress, WskControlCode.solSocket),
                              (WskControlCode.exclusiveAddressUse, WskControlCode.solSocket),
                              (WskControlCode.ipv6V6Only, WskControlCode.ipprotoIPv6)] {
            #expect(wskCall {
                socket.controlSocket(.setOption, controlCode: code, level: level, input: nil, output: nil,
                                     outputSizeReturned: nil, irp: $0)
            }.status == .invalidParameter)
            let three: [UInt8] = [1, 0, 0]
            #expect(three.withUnsafeBytes { input in
                wskCall {
                    socket.controlSocket(.setOption, controlCode: code, level: level, input: input, output: nil,
                                         outputSizeReturned: nil, irp: $0)
                }.status
            } == .invalidParameter)
        }
        // Nothing changed.
        #expect(socket.option(WskControlCode.receiveBuffer).value == 65_536)
        #expect(socket.option(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6).value == 1)
        pair.finish([socket])
    }

    @Test func theReceiveBacklogIsASizeT() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        var output = [UInt8](repeating: 0xFF, count: 8)
        var returned = -1
        #expect(output.withUnsafeMutableBytes { out in
            wskCall {
                server.controlSocket(.ioctl, controlCode: WskControlCode.queryReceiveBacklog, level: 0, input: nil,
                                     output: out, outputSizeReturned: &returned, irp: $0)
            }.irp.ioStatus
        } == IRP.IoStatusBlock(status: .success, information: 8))
        #expect(returned == 8)
        #expect(output == [0, 0, 0, 0, 0, 0, 0, 0])
        client.sendNow(payload(1, count: 300), to: .v4(WskPair.bobV4, port: 7))
        client.sendNow(payload(2, count: 0x1_01), to: .v4(WskPair.bobV4, port: 7))
        pair.settle()
        #expect(server.receiveBacklog() == 557)
        #expect(server.ioctl(WskControlCode.queryReceiveBacklog, input: nil, outputSize: 8).output
            == [0x2D, 0x02, 0, 0, 0, 0, 0, 0])
        pair.finish([server, client])
    }

    @Test func aZeroReceiveBufferDropsEverything() {
        let pair = WskPair()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7))
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        #expect(server.setOption(WskControlCode.receiveBuffer, 0) == .success)
        client.sendNow(payload(1), to: .v4(WskPair.bobV4, port: 7))
        pair.settle()
        #expect(server.queuedBytes == 0)
        #expect(server.receiveBufferOverflows == 1)
        // A waiting receive is not bounded by it.
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        client.sendNow(payload(2), to: .v4(WskPair.bobV4, port: 7))
        pair.settle()
        #expect(receive.bytes == payload(2))
        pair.finish([server, client])
    }

    @Test func theEventCallbackControlEncoding() {
        let control = WskEventCallbackControl(eventMask: [.receiveFrom, .disable])
        let bytes = control.bytes
        #expect(bytes.count == WskEventCallbackControl.size)
        #expect(Array(bytes.prefix(16)) == WskEventCallbackControl.wskInterfaceID)
        #expect(Array(bytes.suffix(4)) == [0x00, 0x01, 0x00, 0x80])
        #expect(bytes.withUnsafeBytes { WskEventCallbackControl($0) } == control)
        #expect(bytes.withUnsafeBytes { WskEventCallbackControl(UnsafeRawBufferPointer(rebasing: $0[0..<19])) } == nil)
    }

    @Test func sockaddrEncodingRoundTrips() {
        let v4 = SocketAddress.v4(IPv4Address(192, 0, 2, 1), port: 0x1234)
        #expect(v4.sockaddrBytes == [2, 0, 0x12, 0x34, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(v4.sockaddrBytes.withUnsafeBytes { SocketAddress(sockaddr: $0) } == v4)
        let v6 = SocketAddress.v6(IPv6Address("2001:db8::1")!, port: 0x0102, scopeID: 0x0A0B0C0D, flowInfo: 0x11223344)
        let bytes = v6.sockaddrBytes
        #expect(bytes.count == SocketAddress.sockaddrIn6Length)
        #expect(Array(bytes[0..<8]) == [23, 0, 0x01, 0x02, 0x11, 0x22, 0x33, 0x44])
        #expect(Array(bytes[8..<12]) == [0x20, 0x01, 0x0D, 0xB8])
        #expect(Array(bytes[24..<28]) == [0x0D, 0x0C, 0x0B, 0x0A])
        #expect(bytes.withUnsafeBytes { SocketAddress(sockaddr: $0) } == v6)
        // Short buffers and unknown families do not parse.
        #expect(v4.sockaddrBytes.withUnsafeBytes { SocketAddress(sockaddr: UnsafeRawBufferPointer(rebasing: $0[0..<15])) }
            == nil)
        #expect(bytes.withUnsafeBytes { SocketAddress(sockaddr: UnsafeRawBufferPointer(rebasing: $0[0..<27])) } == nil)
        #expect([UInt8](repeating: 0, count: 28).withUnsafeBytes { SocketAddress(sockaddr: $0) } == nil)
    }
}
