package answer

// Internals the external tests (package answer_test) use.
var CitedNumbers = citedNumbers
