import NetCore
import Testing

@testable import NDIS

/// A scripted adapter (MAC 02:00:00:00:00:a0, MTU 1500, 1 Gbit/s, four
/// multicast entries) with the given protocols bound.
private struct OidStack {
    let ndis = Ndis()
    let log = EventLog()
    let driver: ScriptedMiniportDriver
    let protocols: [RecordingProtocol]
    let adapter: MiniportAdapter
    let miniport: ScriptedMiniport

    init(protocols count: Int = 1, filters: [String] = [], configure: (ScriptedMiniportDriver) -> Void = { _ in }) throws {
        driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        configure(driver)
        for name in filters { RecordingFilter(name, log: log).register(in: ndis) }
        let log = self.log
        protocols = (0..<count).map { RecordingProtocol(name: "p\($0)", log: log) }
        for proto in protocols { proto.register(in: ndis) }
        adapter = try #require(driver.start(in: ndis).adapter)
        miniport = try #require(driver.miniports.first)
    }

    func binding(_ i: Int = 0) -> RecordingBinding { protocols[i].binding(on: adapter) }
}

@Suite struct NdisAnsweredQueryTests {
    @Test func addressesComeFromTheGeneralAttributes() throws {
        let stack = try OidStack()
        let mac = testMAC(0xA0)
        for oid in [Oid.ieee8023CurrentAddress, .ieee8023PermanentAddress, .genMacAddress] {
            let (status, request) = stack.binding().query(oid)
            #expect(status == .success, "\(oid)")
            #expect(request.informationBuffer == mac.bytes, "\(oid)")
            #expect(request.bytesWritten == 6, "\(oid)")
        }
        #expect(stack.miniport.oidRequests.isEmpty, "NDIS answered without the miniport")
    }

    @Test func currentAndPermanentAddressesAreReportedSeparately() throws {
        let stack = try OidStack { driver in driver.general.currentMacAddress = testMAC(0x55) }
        #expect(stack.binding().query(.ieee8023CurrentAddress).request.informationBuffer == testMAC(0x55).bytes)
        #expect(stack.binding().query(.ieee8023PermanentAddress).request.informationBuffer == testMAC(0xA0).bytes)
    }

    @Test func sizesAreDerivedFromTheMtu() throws {
        let stack = try OidStack { driver in
            driver.general.mtuSize = 9000
            driver.general.lookaheadSize = 256
        }
        let b = stack.binding()
        #expect(b.query(.genMaximumFrameSize).request.valueUInt32 == 9000, "max frame size is the MTU")
        #expect(b.query(.genMaximumTotalSize).request.valueUInt32 == 9014, "max total size adds the Ethernet header")
        #expect(b.query(.genCurrentLookahead).request.valueUInt32 == 256)
        #expect(b.query(.genMediaSupported).request.valueUInt32 == NdisMedium.ieee8023.rawValue)
        #expect(b.query(.genMediaInUse).request.valueUInt32 == NdisMedium.ieee8023.rawValue)
        #expect(b.query(.ieee8023MaximumListSize).request.valueUInt32 == 4)
        #expect(b.query(.genMacOptions).request.valueUInt32 == 0)
        #expect(stack.miniport.oidRequests.isEmpty)
    }

    @Test func linkSpeedAndStateDecode() throws {
        let stack = try OidStack { driver in
            driver.general.xmitLinkSpeed = 100_000_000
            driver.general.rcvLinkSpeed = 40_000_000
            driver.general.maxXmitLinkSpeed = 1_000_000_000
            driver.general.maxRcvLinkSpeed = 500_000_000
            driver.general.mediaDuplexState = .half
        }
        let b = stack.binding()
        let speed = b.query(.genLinkSpeed)
        #expect(speed.status == .success)
        #expect(speed.request.valueUInt32 == 1_000_000, "OID_GEN_LINK_SPEED counts units of 100 bit/s")

        let max = b.query(.genMaxLinkSpeed)
        #expect(max.request.bytesWritten == 16)
        #expect(OidRequest.readLittleEndian(max.request.informationBuffer, at: 0, as: UInt64.self) == 1_000_000_000)
        #expect(OidRequest.readLittleEndian(max.request.informationBuffer, at: 8, as: UInt64.self) == 500_000_000)

        let (status, request) = b.query(.genLinkState)
        #expect(status == .success)
        let state = try #require(LinkState(bytes: request.informationBuffer))
        #expect(state == LinkState(mediaConnectState: .connected, mediaDuplexState: .half,
                                   xmitLinkSpeed: 100_000_000, rcvLinkSpeed: 40_000_000))
        #expect(b.query(.genMediaConnectStatus).request.valueUInt32 == 0, "NdisMediaStateConnected")
        #expect(stack.miniport.oidRequests.isEmpty)
    }

    @Test func disconnectedAtInitIsReported() throws {
        let stack = try OidStack { driver in driver.general.mediaConnectState = .disconnected }
        let b = stack.binding()
        #expect(b.query(.genMediaConnectStatus).request.valueUInt32 == 1, "NdisMediaStateDisconnected")
        #expect(LinkState(bytes: b.query(.genLinkState).request.informationBuffer)?.mediaConnectState == .disconnected)
        #expect(b.parameters.mediaConnectState == .disconnected, "the bind parameters agree")
    }

    @Test func supportedListHoldsNdisOwnOidsAndTheMiniportsOnce() throws {
        let stack = try OidStack { driver in
            // One the miniport answers itself, and one NDIS answers anyway.
            driver.general.supportedOidList = [.genVendorDescription, .genLinkState, .genStatistics]
        }
        let (status, request) = stack.binding().query(.genSupportedList)
        #expect(status == .success)
        let oids = uint32s(request.informationBuffer).map(Oid.init(rawValue:))
        #expect(request.bytesWritten == oids.count * 4)
        for oid in [Oid.genVendorDescription, .genStatistics] { #expect(oids.contains(oid), "\(oid)") }
        for oid in [Oid.genSupportedList, .genMaximumFrameSize, .genMaximumTotalSize, .genLinkState, .genLinkSpeed,
                    .genMediaConnectStatus, .genCurrentPacketFilter, .ieee8023CurrentAddress,
                    .ieee8023PermanentAddress, .ieee8023MulticastList, .ieee8023MaximumListSize] {
            #expect(oids.contains(oid), "\(oid)")
        }
        #expect(Set(oids).count == oids.count, "no OID listed twice")
    }

    @Test func tooSmallBufferReportsBytesNeeded() throws {
        let stack = try OidStack()
        let b = stack.binding()
        let short = b.query(.ieee8023CurrentAddress, bufferLength: 5)
        #expect(short.status == .bufferTooShort)
        #expect(short.request.bytesNeeded == 6)
        #expect(short.request.bytesWritten == 0)
        #expect(short.request.informationBuffer.isEmpty)
        #expect(b.query(.ieee8023CurrentAddress, bufferLength: 6).status == .success, "exactly enough fits")

        let link = b.query(.genLinkState, bufferLength: 35)
        #expect(link.status == .bufferTooShort)
        #expect(link.request.bytesNeeded == 36)

        let full = b.query(.genSupportedList)
        let shortList = b.query(.genSupportedList, bufferLength: 4)
        #expect(shortList.status == .bufferTooShort)
        #expect(shortList.request.bytesNeeded == full.request.bytesWritten)

        let ulong = b.query(.genMaximumFrameSize, bufferLength: 3)
        #expect(ulong.status == .bufferTooShort)
        #expect(ulong.request.bytesNeeded == 4)
        #expect(ulong.request.valueUInt32 == nil)
    }

    @Test func miniportAnswersWhatNdisDoesNot() throws {
        let stack = try OidStack()
        let (status, request) = stack.binding().query(.genVendorDescription)
        #expect(status == .success)
        #expect(request.informationBuffer == Array("scripted".utf8) + [0])
        #expect(stack.miniport.oidRequests.count == 1)
        #expect(stack.miniport.oidRequests.first === request, "the protocol's own request reached the miniport")
    }

    @Test func unknownOidIsInvalid() throws {
        let stack = try OidStack()
        let unknown = Oid(rawValue: 0x00FF_FF01)
        #expect(stack.binding().query(unknown).status == .invalidOID)
        #expect(stack.binding().set(unknown, [1, 2, 3, 4]).status == .invalidOID)
        #expect(unknown.description == "OID 0xFFFF01")
        #expect(Oid.genLinkState.description == "OID_GEN_LINK_STATE")
    }

    @Test func oidsWorkWhilePausedAndAreRefusedOnceHalted() throws {
        let stack = try OidStack()
        let b = stack.binding()
        #expect(stack.ndis.pauseStack(stack.adapter) == .success)
        #expect(b.query(.genMaximumFrameSize).status == .success, "OIDs are allowed while Paused")
        #expect(b.query(.genVendorDescription).status == .success)
        #expect(stack.ndis.stopAdapter(stack.adapter) == .success)
        let before = stack.miniport.oidRequests.count
        #expect(b.query(.genMaximumFrameSize).status == .notAccepted)
        #expect(b.query(.genVendorDescription).status == .notAccepted)
        #expect(b.setPacketFilter(.directed) == .notAccepted)
        #expect(stack.miniport.oidRequests.count == before, "nothing reached a halted miniport")
    }
}

@Suite struct PacketFilterAndMulticastTests {
    @Test func packetFiltersOfAllBindingsAreMergedForTheMiniport() throws {
        let stack = try OidStack(protocols: 2)
        let (a, b) = (stack.binding(0), stack.binding(1))
        #expect(stack.miniport.packetFilter == [])

        let set = a.set(.genCurrentPacketFilter, OidRequest.littleEndianBytes(PacketFilter.directed.rawValue))
        #expect(set.status == .success)
        #expect(set.request.bytesRead == 4)
        #expect(stack.miniport.packetFilter == .directed)
        #expect(b.setPacketFilter(.broadcast) == .success)
        #expect(stack.miniport.packetFilter == [.directed, .broadcast], "the union reached the miniport")
        #expect(stack.adapter.packetFilter == [.directed, .broadcast])
        #expect(a.handle.packetFilter == .directed)
        #expect(b.handle.packetFilter == .broadcast)
        // Every binding's query sees the merged filter, answered by NDIS.
        let requestsBefore = stack.miniport.oidRequests.count
        #expect(a.query(.genCurrentPacketFilter).request.valueUInt32 == 0x9)
        #expect(b.query(.genCurrentPacketFilter).request.valueUInt32 == 0x9)
        #expect(stack.miniport.oidRequests.count == requestsBefore)

        // Withdrawing one binding's bits leaves the other's.
        #expect(a.setPacketFilter([]) == .success)
        #expect(stack.miniport.packetFilter == .broadcast)
        #expect(a.query(.genCurrentPacketFilter).request.valueUInt32 == 0x8)
        #expect(b.setPacketFilter([]) == .success)
        #expect(stack.miniport.packetFilter == [])
    }

    @Test func badPacketFilterSetsAreRefused() throws {
        let stack = try OidStack { driver in driver.general.supportedPacketFilters = [.directed, .broadcast] }
        let b = stack.binding()
        #expect(b.setPacketFilter(.directed) == .success)
        #expect(b.setPacketFilter([.directed, .promiscuous]) == .notSupported)
        #expect(stack.miniport.packetFilter == .directed)
        let short = b.set(.genCurrentPacketFilter, [1, 0])
        #expect(short.status == .invalidLength)
        #expect(short.request.bytesNeeded == 4)
        #expect(b.query(.genCurrentPacketFilter).request.valueUInt32 == 0x1)
    }

    @Test func multicastListIsValidatedReplacedAndQueriedBackDeduplicated() throws {
        let stack = try OidStack()
        let b = stack.binding()
        let g1 = MACAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0x01)
        let g2 = MACAddress(0x33, 0x33, 0x00, 0x00, 0x00, 0x01)
        let g3 = MACAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB)

        #expect(b.query(.ieee8023MulticastList).request.bytesWritten == 0, "empty at start")
        #expect(b.set(.ieee8023MulticastList, macListBytes([g1, g2, g1])).status == .success)
        #expect(stack.miniport.multicastBytes == macListBytes([g1, g2, g1]))
        let (status, query) = b.query(.ieee8023MulticastList)
        #expect(status == .success)
        #expect(query.informationBuffer == macListBytes([g1, g2]))

        // Not a whole number of addresses.
        #expect(b.set(.ieee8023MulticastList, macListBytes([g3]) + [0x01]).status == .invalidLength)
        // More than MaxMulticastListSize (4).
        #expect(b.set(.ieee8023MulticastList, macListBytes([g1, g2, g3, g1, g2])).status == .multicastFull)
        #expect(b.query(.ieee8023MulticastList).request.informationBuffer == macListBytes([g1, g2]),
                "refused sets leave the list alone")
        #expect(stack.miniport.multicastBytes == macListBytes([g1, g2, g1]), "refused sets never reached the miniport")

        // A set replaces the whole list; exactly the maximum fits.
        #expect(b.set(.ieee8023MulticastList, macListBytes([g3, g2, g1, g3])).status == .success)
        #expect(b.query(.ieee8023MulticastList).request.informationBuffer == macListBytes([g3, g2, g1]))
        // Length 0 clears it.
        #expect(b.set(.ieee8023MulticastList, []).status == .success)
        #expect(b.query(.ieee8023MulticastList).request.bytesWritten == 0)
    }
}

@Suite struct PendedOidTests {
    @Test func pendedOidCompletesToTheProtocolWithItsOwnRequest() throws {
        let stack = try OidStack()
        stack.miniport.pendOids = true
        let b = stack.binding()
        let (status, request) = b.query(.genVendorDescription)
        #expect(status == .pending)
        #expect(b.oidCompletions.isEmpty)
        #expect(request.answer(Array("later".utf8)) == .success)
        stack.adapter.oidRequestComplete(request, status: .success)
        #expect(b.oidCompletions.count == 1)
        #expect(b.oidCompletions.first?.request === request)
        #expect(b.oidCompletions.first?.status == .success)
        // Completing again does nothing.
        stack.adapter.oidRequestComplete(request, status: .success)
        #expect(b.oidCompletions.count == 1)
    }

    @Test func pendedOidCompletesToTheProtocolThroughAFilter() throws {
        let stack = try OidStack(filters: ["f"])
        stack.miniport.pendOids = true
        let b = stack.binding()
        stack.log.clear()
        let (status, request) = b.query(.genVendorDescription)
        #expect(status == .pending)
        #expect(stack.log.entries == ["f.oid", "miniport.oid"])
        stack.adapter.oidRequestComplete(request, status: .success)
        #expect(b.oidCompletions.count == 1)
        #expect(b.oidCompletions.first?.request === request)
    }

    @Test func pendedPacketFilterSetCompletesWithTheProtocolsRequest() throws {
        let stack = try OidStack(protocols: 2)
        #expect(stack.binding(1).setPacketFilter(.broadcast) == .success)
        stack.miniport.pendOids = true
        let b = stack.binding(0)
        let (status, request) = b.set(.genCurrentPacketFilter, OidRequest.littleEndianBytes(PacketFilter.directed.rawValue))
        #expect(status == .pending)
        let merged = try #require(stack.miniport.oidRequests.last)
        #expect(merged.informationBuffer == OidRequest.littleEndianBytes(UInt32(0x9)), "the miniport got the union")
        stack.adapter.oidRequestComplete(merged, status: .success)
        #expect(b.oidCompletions.count == 1)
        #expect(b.oidCompletions.first?.request === request, "the protocol gets back the request it made")
        #expect(b.oidCompletions.first?.status == .success)
        #expect(stack.binding(1).oidCompletions.isEmpty)
        #expect(stack.adapter.packetFilter == [.directed, .broadcast])
        #expect(b.query(.genCurrentPacketFilter).request.valueUInt32 == 0x9)
    }

    @Test func failedPendedSetIsNotRecorded() throws {
        let stack = try OidStack()
        stack.miniport.pendOids = true
        let b = stack.binding()
        let g = MACAddress(0x01, 0, 0x5E, 0, 0, 9)
        let (status, request) = b.set(.ieee8023MulticastList, g.bytes)
        #expect(status == .pending)
        stack.adapter.oidRequestComplete(request, status: .resources)
        #expect(b.oidCompletions.first?.status == .resources)
        #expect(b.query(.ieee8023MulticastList).request.bytesWritten == 0)
    }
}

@Suite struct StatisticsAndStatusTests {
    @Test func statisticsCountTheTrafficSent() throws {
        let bench = WireBench(ports: 2)
        let group = MACAddress(0x01, 0x00, 0x5E, 0x01, 0x02, 0x03)
        let receiver = bench.binding(1)
        #expect(receiver.setPacketFilter([.directed, .broadcast, .multicast]) == .success)
        #expect(receiver.set(.ieee8023MulticastList, group.bytes).status == .success)

        let unicast = [60, 100, 1514].enumerated().map {
            Frames.tagged($0.offset, to: WireBench.mac(1), from: WireBench.mac(0), length: $0.element)
        }
        let broadcast = Frames.tagged(10, to: .broadcast, from: WireBench.mac(0), etherType: Frames.arp, length: 42)
        let multicast = Frames.tagged(11, to: group, from: WireBench.mac(0), length: 90)
        bench.send(from: 0, unicast + [broadcast, multicast])
        bench.deliverAll()
        #expect(receiver.received == unicast + [broadcast, multicast])
        let octets = UInt64(60 + 100 + 1514 + 42 + 90)

        let sent = bench.binding(0).query(.genStatistics)
        #expect(sent.status == .success)
        let out = try #require(StatisticsInfo(bytes: sent.request.informationBuffer))
        #expect(out.ifHCOutUcastPkts == 3)
        #expect(out.ifHCOutBroadcastPkts == 1)
        #expect(out.ifHCOutMulticastPkts == 1)
        #expect(out.framesOut == 5)
        #expect(out.ifHCOutOctets == octets)
        #expect(out.framesIn == 0)
        #expect(out.ifHCInOctets == 0)

        let got = receiver.query(.genStatistics)
        let into = try #require(StatisticsInfo(bytes: got.request.informationBuffer))
        #expect(into.ifHCInUcastPkts == 3)
        #expect(into.ifHCInBroadcastPkts == 1)
        #expect(into.ifHCInMulticastPkts == 1)
        #expect(into.ifHCInOctets == octets)
        #expect(into.framesOut == 0)
        #expect(into.ifInDiscards == 0)

        #expect(bench.binding(0).query(.genXmitOk).request.valueUInt64 == 5)
        #expect(receiver.query(.genRcvOk).request.valueUInt64 == 5)
        #expect(receiver.query(.genRcvNoBuffer).request.valueUInt64 == 0)
        let short = receiver.query(.genStatistics, bufferLength: 16)
        #expect(short.status == .bufferTooShort)
        #expect(short.request.bytesNeeded == got.request.bytesWritten)
        bench.expectPoolsDrained()
    }

    @Test func statisticsInfoRoundTrips() throws {
        var info = StatisticsInfo()
        info.ifInDiscards = 1
        info.ifInErrors = 2
        info.ifHCInOctets = 3
        info.ifHCInUcastPkts = 4
        info.ifHCInMulticastPkts = 5
        info.ifHCInBroadcastPkts = 6
        info.ifHCOutOctets = 7
        info.ifHCOutUcastPkts = 8
        info.ifHCOutMulticastPkts = 9
        info.ifHCOutBroadcastPkts = 10
        info.ifOutErrors = 11
        info.ifOutDiscards = .max
        let bytes = info.bytes
        #expect(bytes.count == 8 + 12 * 8)
        #expect(StatisticsInfo(bytes: bytes) == info)
        #expect(StatisticsInfo(bytes: Array(bytes.dropLast())) == nil)
    }

    @Test func linkStateIndicationReachesFiltersAndProtocolsAndTheOid() throws {
        let bench = WireBench(ports: 2) { bench in
            RecordingFilter("watch", log: bench.log).register(in: bench.ndis)
        }
        let adapter = bench.adapters[0]
        let b = bench.binding(0)
        let module = try #require(adapter.filterModules.first?.context as? RecordingFilterModule)
        bench.log.clear()

        let down = LinkState(mediaConnectState: .disconnected, mediaDuplexState: .unknown, xmitLinkSpeed: 0,
                             rcvLinkSpeed: 0)
        adapter.indicateStatus(.linkState(down))
        #expect(bench.log.entries == ["watch.status", "proto.status"], "the filter sees it before the protocol")
        #expect(module.statuses.count == 1)
        #expect(module.statuses.first?.linkState == down)
        #expect(b.statuses.count == 1)
        #expect(b.statuses.first?.statusCode == .linkState)
        #expect(b.statuses.first?.linkState == down)
        #expect(bench.binding(1).statuses.isEmpty, "another adapter's protocol binding hears nothing")

        let (status, request) = b.query(.genLinkState)
        #expect(status == .success)
        #expect(LinkState(bytes: request.informationBuffer) == down)
        #expect(b.query(.genMediaConnectStatus).request.valueUInt32 == 1)
        #expect(b.query(.genLinkSpeed).request.valueUInt32 == 0)

        let up = LinkState(mediaConnectState: .connected, xmitLinkSpeed: 2_500_000_000, rcvLinkSpeed: 2_500_000_000)
        adapter.indicateStatus(.linkState(up))
        #expect(b.statuses.last?.linkState == up)
        #expect(LinkState(bytes: b.query(.genLinkState).request.informationBuffer) == up)
        #expect(b.query(.genMediaConnectStatus).request.valueUInt32 == 0)
        #expect(b.query(.genLinkSpeed).request.valueUInt32 == 25_000_000)
        bench.expectPoolsDrained()
    }

    @Test func linkStateBytesRoundTripAndRejectGarbage() {
        let state = LinkState(mediaConnectState: .connected, mediaDuplexState: .half, xmitLinkSpeed: 0x0102_0304_0506_0708,
                              rcvLinkSpeed: 42, pauseFunctions: 3, autoNegotiationFlags: 5)
        #expect(LinkState(bytes: state.bytes) == state)
        #expect(LinkState(bytes: Array(state.bytes.prefix(35))) == nil)
        var bad = state.bytes
        bad[4] = 7  // no such NDIS_MEDIA_CONNECT_STATE
        #expect(LinkState(bytes: bad) == nil)
        #expect(StatusIndication(statusCode: .success, statusBuffer: state.bytes).linkState == nil)
    }

    @Test func otherStatusIndicationsPassThroughUnchanged() throws {
        let bench = WireBench(ports: 1) { bench in
            RecordingFilter("watch", log: bench.log).register(in: bench.ndis)
        }
        let custom = StatusIndication(statusCode: NDISStatus(rawValue: 0x4001_0099), statusBuffer: [1, 2, 3])
        bench.adapters[0].indicateStatus(custom)
        let got = try #require(bench.binding(0).statuses.first)
        #expect(got.statusCode == custom.statusCode)
        #expect(got.statusBuffer == [1, 2, 3])
        #expect(got.linkState == nil)
        // The link state NDIS tracks is untouched.
        #expect(bench.binding(0).query(.genMediaConnectStatus).request.valueUInt32 == 0)
    }
}
