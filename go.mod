module github.com/policybot/policybot

go 1.26.8

require (
	github.com/go-telegram/bot v1.19.0
	github.com/philippgille/chromem-go v0.7.0
	github.com/sashabaranov/go-openai v1.43.0
	golang.org/x/net v0.62.0
	golang.org/x/text v0.43.0
	golang.org/x/time v0.16.0
)
