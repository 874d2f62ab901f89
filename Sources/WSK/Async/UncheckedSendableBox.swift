/// Carries a value that is not Sendable — a client's context object and
/// callbacks — into the engine-thread closure of an awaited call, which is
/// the only code that uses it meanwhile.
final class UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
