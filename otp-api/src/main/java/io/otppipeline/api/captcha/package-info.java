/**
 * The tenants' CAPTCHA providers, asked before a command is published: the verdict travels in the command. Uses
 * the runtime's settings and the schemas' types; nothing here looks at the HTTP routes.
 */
package io.otppipeline.api.captcha;
