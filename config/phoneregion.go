package config

import (
	"strings"

	"github.com/winback/winback/contact"
)

// loadPhoneRegion reads the region of phone numbers written without their +country code
// (WINBACK_PHONE_REGION, default contact.DefaultRegion): the launcher and the inbox read such
// numbers in it.
func loadPhoneRegion(src *source, p *problems) string {
	region := strings.ToUpper(src.getOr("WINBACK_PHONE_REGION", contact.DefaultRegion))
	if err := contact.CheckRegion(region); err != nil {
		p.addf("%s: %v", src.origin("WINBACK_PHONE_REGION"), err)
	}
	return region
}
