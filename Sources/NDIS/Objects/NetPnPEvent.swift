/// NET_PNP_EVENT_CODE: the PnP and power events NDIS sends to protocols and filters.
public enum NetPnPEventCode: UInt32, Sendable {
    /// NetEventSetPower
    case setPower = 0
    /// NetEventQueryPower
    case queryPower = 1
    /// NetEventQueryRemoveDevice
    case queryRemoveDevice = 2
    /// NetEventCancelRemoveDevice
    case cancelRemoveDevice = 3
    /// NetEventReconfigure
    case reconfigure = 4
    /// NetEventBindList
    case bindList = 5
    /// NetEventBindsComplete
    case bindsComplete = 6
    /// NetEventPnPCapabilities
    case pnpCapabilities = 7
    /// NetEventPause
    case pause = 8
    /// NetEventRestart
    case restart = 9
    /// NetEventPortActivation
    case portActivation = 10
    /// NetEventPortDeactivation
    case portDeactivation = 11
    /// NetEventIMReEnableDevice
    case imReEnableDevice = 12
}

/// NET_PNP_EVENT_NOTIFICATION: the event and its buffer.
public struct NetPnPEvent: Sendable {
    /// NetEvent.
    public var code: NetPnPEventCode
    /// Buffer (for NetEventRestart, the restart attributes; unused here).
    public var buffer: [UInt8]

    public init(_ code: NetPnPEventCode, buffer: [UInt8] = []) {
        self.code = code
        self.buffer = buffer
    }
}

/// NDIS_DEVICE_PNP_EVENT: what DevicePnPEventNotifyHandler is told.
public enum DevicePnPEvent: UInt32, Sendable {
    /// NdisDevicePnPEventSurpriseRemoved
    case surpriseRemoved = 1
    /// NdisDevicePnPEventPowerProfileChanged
    case powerProfileChanged = 2
}

/// NDIS_HALT_ACTION: why MiniportHaltEx is called.
public enum HaltAction: UInt32, Sendable {
    /// NdisHaltDeviceDisabled
    case deviceDisabled = 1
    /// NdisHaltDeviceInstanceDeInitialized
    case deviceInstanceDeInitialized = 2
    /// NdisHaltDevicePoweredDown
    case devicePoweredDown = 3
    /// NdisHaltDeviceSurpriseRemoved
    case deviceSurpriseRemoved = 4
    /// NdisHaltDeviceFailed
    case deviceFailed = 5
    /// NdisHaltDeviceInitializationFailed
    case deviceInitializationFailed = 6
    /// NdisHaltDeviceStopped
    case deviceStopped = 7
}

/// NDIS_SHUTDOWN_ACTION: why MiniportShutdownEx is called.
public enum ShutdownAction: UInt32, Sendable {
    /// NdisShutdownPowerOff
    case powerOff = 0
    /// NdisShutdownBugCheck
    case bugCheck = 1
}
