import CLVCore
import CLVSegments
import Testing

@Test func bilingualTextPicksTheLanguage() {
    let t = BilingualText("important value", "重要价值客户")
    #expect(t.text(.zh) == "重要价值客户")
    #expect(t.text(.en) == "important value")
}
