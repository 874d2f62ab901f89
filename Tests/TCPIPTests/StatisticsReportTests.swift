import Testing
@testable import TCPIP

@Suite struct StatisticsReportTests {
    @Test func theReportListsOnlyNonzeroCountersUnderTheirLayer() {
        var statistics = TCPIPStatistics()
        statistics.ipv4.badChecksum = 3
        statistics.arp.requestsOut = 1
        statistics.ndp.dadFailed = 2
        statistics.tcp.challengeACKs = 4
        #expect(statistics.report == [
            "Ethernet: nothing counted",
            "ARP:", "    requestsOut: 1",
            "IPv4:", "    badChecksum: 3",
            "ICMPv4: nothing counted",
            "IPv6: nothing counted",
            "ICMPv6: nothing counted",
            "NDP:", "    dadFailed: 2",
            "UDP: nothing counted",
            "TCP:", "    challengeACKs: 4",
        ])
    }
}
