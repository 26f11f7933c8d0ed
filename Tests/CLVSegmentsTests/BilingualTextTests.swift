import CLVSegments
import Testing

@Test func bilingualTextPicksTheLanguage() {
    let t = BilingualText("important value", "重要价值客户")
    #expect(t.text(chinese: true) == "重要价值客户")
    #expect(t.text(chinese: false) == "important value")
}
