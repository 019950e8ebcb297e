/**
 * Sends a report by SMTP (nodemailer): HTML and plain text in one multipart/alternative message.
 * Credentials come from the environment, by the names the config gives, at send time.
 */
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../domain/reports-config.js';
import type { EmailMessage } from '../domain/reports-email.js';
import type { SendResult } from '../service/reports/ports.js';

export async function sendEmail(
  smtp: SmtpConfig,
  credentials: { user?: string; pass?: string },
  to: string[],
  message: EmailMessage,
  options: { timeoutMs: number; messageId: string }
): Promise<SendResult> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(credentials.user ? { auth: { user: credentials.user, pass: credentials.pass ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    // nodemailer logs nothing unless asked; kept off so no envelope or credential reaches a log.
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      // The same report id each attempt, so a mail system can recognise a copy.
      messageId: options.messageId,
    });
    return { ok: true };
  } catch (error) {
    const e = error as Error & { code?: string; responseCode?: number; response?: string };
    return { ok: false, error: [e.code, e.responseCode, e.response ?? e.message].filter(Boolean).join(' ') };
  } finally {
    transport.close();
  }
}
