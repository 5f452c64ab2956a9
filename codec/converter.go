package codec

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// DataConverter is the SDK's default data converter with c applied to every payload it writes
// and reads.
func DataConverter(c converter.PayloadCodec) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter moves failure messages and stack traces into an encoded payload, so an
// error that quotes customer data (`phone "+1555…" is not valid`) is encrypted like the rest.
// Error types, and whether an error is retryable, stay readable.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          dc,
		EncodeCommonAttributes: true,
	})
}

// Use sets a client's data and failure converters to encrypt with c. A worker built on that
// client encrypts and decrypts with it too.
func Use(opts *client.Options, c converter.PayloadCodec) {
	opts.DataConverter = DataConverter(c)
	opts.FailureConverter = FailureConverter(opts.DataConverter)
}
