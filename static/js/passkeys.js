// Passkeys on the admin's login and enrolment pages (templates/admin/two_factor/).
// The server side is staff/passkeys.py (django-otp-webauthn's views with the
// project's checks). URLs and messages, already translated, come from the data-
// attributes of #passkey: no inline script, nothing from another host.
"use strict";

(function () {
  const box = document.getElementById("passkey");
  if (!box) {
    return;
  }
  const status = document.getElementById("passkey-status");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");

  function say(text) {
    status.textContent = text || "";
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (const byte of bytes) {
      text += String.fromCharCode(byte);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(text) {
    const plain = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(plain + "===".slice((plain.length + 3) % 4));
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function descriptors(list) {
    return (list || []).map((item) => ({ ...item, id: fromBase64url(item.id) }));
  }

  class ServerRefusal extends Error {}

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrf ? csrf.value : "",
      },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) {
      throw new ServerRefusal(data.detail || box.dataset.msgFailed);
    }
    return data;
  }

  function explain(error) {
    if (error instanceof ServerRefusal) {
      return error.message;
    }
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return box.dataset.msgCancelled;
    }
    return box.dataset.msgFailed;
  }

  async function register(enrolmentCode) {
    const options = await post(box.dataset.registerBegin, { enrolment_code: enrolmentCode });
    say(box.dataset.msgWorking);
    const created = await navigator.credentials.create({
      publicKey: {
        ...options,
        challenge: fromBase64url(options.challenge),
        user: { ...options.user, id: fromBase64url(options.user.id) },
        excludeCredentials: descriptors(options.excludeCredentials),
      },
    });
    say(box.dataset.msgSaving);
    const response = created.response;
    return post(box.dataset.registerComplete, {
      enrolment_code: enrolmentCode,
      credential: {
        id: created.id,
        rawId: toBase64url(created.rawId),
        type: created.type,
        authenticatorAttachment: created.authenticatorAttachment || null,
        clientExtensionResults: created.getClientExtensionResults(),
        response: {
          clientDataJSON: toBase64url(response.clientDataJSON),
          attestationObject: toBase64url(response.attestationObject),
          transports: response.getTransports ? response.getTransports() : [],
        },
      },
    });
  }

  async function verify() {
    const options = await post(box.dataset.verifyBegin, {});
    say(box.dataset.msgWorking);
    const asserted = await navigator.credentials.get({
      publicKey: {
        ...options,
        challenge: fromBase64url(options.challenge),
        allowCredentials: descriptors(options.allowCredentials),
      },
    });
    say(box.dataset.msgSaving);
    const response = asserted.response;
    return post(box.dataset.verifyComplete, {
      id: asserted.id,
      rawId: toBase64url(asserted.rawId),
      type: asserted.type,
      authenticatorAttachment: asserted.authenticatorAttachment || null,
      clientExtensionResults: asserted.getClientExtensionResults(),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
      },
    });
  }

  function wire(button, ceremony) {
    if (!button) {
      return;
    }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      button.disabled = true;
      say(box.dataset.msgUnsupported);
      return;
    }
    button.addEventListener("click", async () => {
      button.disabled = true;
      say("");
      try {
        const result = await ceremony();
        if (result === null) {
          return;
        }
        window.location.assign(result.redirect_url);
      } catch (error) {
        say(explain(error));
      } finally {
        button.disabled = false;
      }
    });
  }

  // Enter in the enrolment code field starts the ceremony instead of posting the form.
  const enrolForm = document.getElementById("login-form");
  const registerButton = document.getElementById("passkey-register");
  if (enrolForm && registerButton) {
    enrolForm.addEventListener("submit", (event) => {
      event.preventDefault();
      registerButton.click();
    });
  }

  wire(document.getElementById("passkey-verify"), verify);
  wire(document.getElementById("passkey-register"), () => {
    const field = document.getElementById("id_enrolment_code");
    const code = field ? field.value.trim() : "";
    if (!code) {
      say(box.dataset.msgCodeMissing);
      if (field) {
        field.focus();
      }
      return Promise.resolve(null);
    }
    return register(code);
  });
})();
