// The CLVKit umbrella: `import CLVKit` brings in every library module.
@_exported import CLVAnalysis
@_exported import CLVCore
@_exported import CLVHistory
@_exported import CLVIngest
@_exported import CLVIO
@_exported import CLVModels
@_exported import CLVNumerics
@_exported import CLVPredict
@_exported import CLVReport
@_exported import CLVSegments
@_exported import CLVSimulation
