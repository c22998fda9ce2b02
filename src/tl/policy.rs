//! Which methods `invoke` runs freely, which need `allow_dangerous`, which print secrets,
//! and which are safe in read-only mode. Explicit lists, checked against the schema by a
//! test, never name patterns: `messages.getBotCallbackAnswer` presses a button and
//! `messages.getMessagesViews` can count a view, whatever their names say.
//!
//! Every method of the schema is in exactly one class — [`READ_ONLY`], [`WRITERS`],
//! [`DANGEROUS`], [`SECRETS`] or [`WRAPPERS`] — and a test fails when one is in none or
//! in two, so a schema upgrade forces a decision for each new method instead of letting
//! it run unguarded.

mod access;
mod writers;

pub use access::{AccessRule, REFUSED_WITH_ACCESS_LIST, access_rule};
pub use writers::{WRAPPERS, WRITERS};

/// Methods whose effect cannot be undone: refused unless `allow_dangerous` is set.
/// (`messages.deleteUserHistory` of older layers is `channels.deleteParticipantHistory`.)
pub const DANGEROUS: &[&str] = &[
    // Deleting messages, chats and history.
    "messages.deleteMessages",
    "messages.deleteHistory",
    "messages.deleteChatUser",
    "messages.deleteChat",
    "messages.deleteScheduledMessages",
    "messages.deleteSavedHistory",
    "messages.deleteTopicHistory",
    "messages.deletePhoneCallHistory",
    "messages.deleteQuickReplyShortcut",
    "messages.deleteQuickReplyMessages",
    "messages.deleteRevokedExportedChatInvites",
    "messages.deleteExportedChatInvite",
    "messages.deleteFactCheck",
    "channels.deleteMessages",
    "channels.deleteHistory",
    "channels.deleteParticipantHistory",
    "channels.deleteChannel",
    // A private channel cannot be joined again without an invite.
    "channels.leaveChannel",
    "chatlists.leaveChatlist",
    "photos.deletePhotos",
    "stories.deleteStories",
    "stories.deleteAlbum",
    "contacts.deleteByPhones",
    "contacts.resetSaved",
    // The account, its sessions and its password.
    "account.deleteAccount",
    "account.setAccountTTL",
    "account.resetAuthorization",
    "account.resetWebAuthorization",
    "account.resetWebAuthorizations",
    "account.resetPassword",
    "account.updatePasswordSettings",
    "account.deleteSecureValue",
    "auth.resetAuthorizations",
    "auth.logOut",
    "auth.dropTempAuthKeys",
    // Reports cannot be taken back.
    "messages.report",
    "messages.reportSpam",
    "channels.reportSpam",
    "account.reportPeer",
    "stories.report",
    // Money and gifts.
    "payments.sendPaymentForm",
    "payments.sendStarsForm",
    "payments.convertStarGift",
    "payments.transferStarGift",
    "payments.upgradeStarGift",
    // Found missing by comparing the schema with the lists (issue 14): deleting,
    // releasing a name, reporting, and every payment method that spends or commits.
    "account.deleteAutoSaveExceptions",
    "account.deleteBusinessChatLink",
    "account.deleteWebBrowserSettingsExceptions",
    "account.reportProfilePhoto",
    "account.resetNotifySettings",
    "account.resetWallPapers",
    "account.updateUsername",
    "aicompose.deleteTone",
    "bots.deletePreviewMedia",
    "bots.removeUsername",
    "channels.convertToGigagroup",
    "channels.deactivateAllUsernames",
    "channels.reportAntiSpamFalsePositive",
    "channels.updateUsername",
    "chatlists.deleteExportedInvite",
    "contacts.blockFromReplies",
    "contacts.deleteContacts",
    "ephemeral.deleteAllWelcomeMessages",
    "ephemeral.deleteMessage",
    "ephemeral.deleteWelcomeMessage",
    "ephemeral.reportMessage",
    "messages.clearAllDrafts",
    "messages.deleteParticipantReaction",
    "messages.deleteParticipantReactions",
    "messages.deletePollAnswer",
    "messages.discardEncryption",
    "messages.editChatCreator",
    "messages.hideAllChatJoinRequests",
    "messages.migrateChat",
    "messages.reportEncryptedSpam",
    "messages.reportReaction",
    "messages.reportSponsoredMessage",
    "messages.sendPaidReaction",
    "messages.setDefaultHistoryTTL",
    "messages.setHistoryTTL",
    "messages.unpinAllMessages",
    "payments.applyGiftCode",
    "payments.assignAppStoreTransaction",
    "payments.assignPlayMarketTransaction",
    "payments.botCancelStarsSubscription",
    "payments.changeStarsSubscription",
    "payments.clearSavedInfo",
    "payments.connectStarRefBot",
    "payments.craftStarGift",
    "payments.createOnrampSession",
    "payments.createStarGiftCollection",
    "payments.deleteStarGiftCollection",
    "payments.editConnectedStarRefBot",
    "payments.exportInvoice",
    "payments.fulfillStarsSubscription",
    "payments.launchPrepaidGiveaway",
    "payments.refundStarsCharge",
    "payments.reorderStarGiftCollections",
    "payments.resolveStarGiftOffer",
    "payments.saveStarGift",
    "payments.sendStarGiftOffer",
    "payments.toggleChatStarGiftNotifications",
    "payments.toggleStarGiftsPinnedToTop",
    "payments.updateStarGiftCollection",
    "payments.updateStarGiftPrice",
    "payments.validateRequestedInfo",
    "phone.deleteConferenceCallParticipants",
    "phone.deleteGroupCallMessages",
    "phone.deleteGroupCallParticipantMessages",
    "phone.discardGroupCall",
    "smsjobs.join",
    "stickers.deleteStickerSet",
    "stickers.removeStickerFromSet",
    "toncenter.performApiRequest",
    "wallet.replaceWallet",
    "wallet.sendTransfer",
];

/// Methods whose answer is a secret (a login, a password's parameters, identity
/// documents): never over MCP or HTTP, and from the terminal only with `--allow-secrets`.
pub const SECRETS: &[&str] = &[
    "auth.exportAuthorization",
    "auth.importAuthorization",
    "auth.exportLoginToken",
    "auth.importLoginToken",
    "auth.importBotAuthorization",
    "auth.bindTempAuthKey",
    "auth.sendCode",
    "auth.signIn",
    "auth.signUp",
    "auth.checkPassword",
    "account.getPassword",
    "account.getPasswordSettings",
    "account.getTmpPassword",
    "account.getAllSecureValues",
    "account.getSecureValue",
    "account.getAuthorizationForm",
    "wallet.fetchEncryptedSecretPhrasePart",
    // Granting access to the account, changing how one logs in, login and
    // withdrawal URLs, passkeys, identity documents, wallet keys and bot tokens.
    "account.acceptAuthorization",
    "account.cancelPasswordEmail",
    "account.changeAuthorizationSettings",
    "account.changePhone",
    "account.confirmBotConnection",
    "account.confirmPasswordEmail",
    "account.confirmPhone",
    "account.declinePasswordReset",
    "account.deletePasskey",
    "account.initPasskeyRegistration",
    "account.invalidateSignInCodes",
    "account.registerDevice",
    "account.registerPasskey",
    "account.resendPasswordEmail",
    "account.saveSecureValue",
    "account.sendChangePhoneCode",
    "account.sendConfirmPhoneCode",
    "account.sendVerifyEmailCode",
    "account.sendVerifyPhoneCode",
    "account.setAuthorizationTTL",
    "account.updateConnectedBot",
    "account.verifyEmail",
    "account.verifyPhone",
    "auth.acceptLoginToken",
    "auth.cancelCode",
    "auth.cancelWebTokenAuthorization",
    "auth.checkPaidAuth",
    "auth.checkRecoveryPassword",
    "auth.finishFirebasePnvLogin",
    "auth.finishPasskeyLogin",
    "auth.firebasePnvSignUp",
    "auth.importWebTokenAuthorization",
    "auth.initFirebasePnvLogin",
    "auth.initPasskeyLogin",
    "auth.recoverPassword",
    "auth.reportMissingCode",
    "auth.requestFirebaseSms",
    "auth.requestPasswordRecovery",
    "auth.resendCode",
    "auth.resetLoginEmail",
    "bots.exportBotToken",
    "messages.acceptUrlAuth",
    "messages.checkUrlAuthMatchCode",
    "payments.getStarGiftWithdrawalUrl",
    "payments.getStarsRevenueAdsAccountUrl",
    "payments.getStarsRevenueWithdrawalUrl",
    "phone.getGroupCallStreamRtmpUrl",
    "wallet.disableBackup",
    "wallet.enableBackup",
    "wallet.exportSecretPhrase",
    "wallet.tonConnectCreateSession",
    "wallet.tonConnectRegisterKey",
    "wallet.tonConnectSubmitConnectResult",
    "wallet.tonConnectSubmitResponse",
];

/// Methods that change nothing: the only ones allowed in read-only mode, and the ones
/// repeated once after a dropped connection (reading twice is harmless).
pub const READ_ONLY: &[&str] = &[
    "account.checkUsername",
    "account.getAccountTTL",
    "account.getAuthorizations",
    "account.getAutoDownloadSettings",
    "account.getAutoSaveSettings",
    "account.getBotBusinessConnection",
    "account.getBusinessChatLinks",
    "account.getChannelDefaultEmojiStatuses",
    "account.getChannelRestrictedStatusEmojis",
    "account.getChatThemes",
    "account.getCollectibleEmojiStatuses",
    "account.getConnectedBots",
    "account.getContactSignUpNotification",
    "account.getContentSettings",
    "account.getDefaultBackgroundEmojis",
    "account.getDefaultEmojiStatuses",
    "account.getDefaultGroupPhotoEmojis",
    "account.getDefaultProfilePhotoEmojis",
    "account.getGlobalPrivacySettings",
    "account.getMultiWallPapers",
    "account.getNotifyExceptions",
    "account.getNotifySettings",
    "account.getPaidMessagesRevenue",
    "account.getPasskeys",
    "account.getPrivacy",
    "account.getReactionsNotifySettings",
    "account.getRecentEmojiStatuses",
    "account.getSavedMusicIds",
    "account.getSavedRingtones",
    "account.getTheme",
    "account.getThemes",
    "account.getUniqueGiftChatThemes",
    "account.getWallPaper",
    "account.getWallPapers",
    "account.getWebAuthorizations",
    "account.getWebBrowserSettings",
    "account.resolveBusinessChatLink",
    "aicompose.getTone",
    "aicompose.getToneExample",
    "aicompose.getTones",
    "bots.canSendMessage",
    "bots.checkDownloadFileParams",
    "bots.checkUsername",
    "bots.getAccessSettings",
    "bots.getAdminedBots",
    "bots.getBotCommands",
    "bots.getBotInfo",
    "bots.getBotMenuButton",
    "bots.getBotRecommendations",
    "bots.getPopularAppBots",
    "bots.getPreviewInfo",
    "bots.getPreviewMedias",
    "bots.getRequestedWebViewButton",
    "channels.checkSearchPostsFlood",
    "channels.checkUsername",
    "channels.exportMessageLink",
    "channels.getAdminLog",
    "channels.getAdminedPublicChannels",
    "channels.getChannelRecommendations",
    "channels.getChannels",
    "channels.getFullChannel",
    "channels.getGroupsForDiscussion",
    "channels.getInactiveChannels",
    "channels.getLeftChannels",
    "channels.getMessageAuthor",
    "channels.getMessages",
    "channels.getParticipant",
    "channels.getParticipants",
    "channels.getSendAs",
    "channels.searchPosts",
    "chatlists.checkChatlistInvite",
    "chatlists.getChatlistUpdates",
    "chatlists.getExportedInvites",
    "chatlists.getLeaveChatlistSuggestions",
    "communities.getJoinedCommunities",
    "communities.getParticipantJoinedChats",
    "communities.getPeerLinkRequests",
    "contacts.getBirthdays",
    "contacts.getBlocked",
    "contacts.getContactIDs",
    "contacts.getContacts",
    "contacts.getSaved",
    "contacts.getSponsoredPeers",
    "contacts.getStatuses",
    "contacts.getTopPeers",
    "contacts.resolvePhone",
    "contacts.resolveUsername",
    "contacts.search",
    "ephemeral.getWelcomeMessages",
    "fragment.getCollectibleInfo",
    "help.getAppConfig",
    "help.getAppUpdate",
    "help.getCdnConfig",
    "help.getConfig",
    "help.getCountriesList",
    "help.getDeepLinkInfo",
    "help.getInviteText",
    "help.getNearestDc",
    "help.getPassportConfig",
    "help.getPeerColors",
    "help.getPeerProfileColors",
    "help.getPremiumPromo",
    "help.getPromoData",
    "help.getRecentMeUrls",
    "help.getSupport",
    "help.getSupportName",
    "help.getTermsOfServiceUpdate",
    "help.getTimezonesList",
    "help.getUserInfo",
    "langpack.getDifference",
    "langpack.getLangPack",
    "langpack.getLanguage",
    "langpack.getLanguages",
    "langpack.getStrings",
    "messages.checkChatInvite",
    "messages.checkHistoryImport",
    "messages.checkHistoryImportPeer",
    "messages.checkQuickReplyShortcut",
    "messages.getAdminsWithInvites",
    "messages.getAllDrafts",
    "messages.getAllStickers",
    "messages.getArchivedStickers",
    "messages.getAttachMenuBot",
    "messages.getAttachMenuBots",
    "messages.getAttachedStickers",
    "messages.getAvailableEffects",
    "messages.getAvailableReactions",
    "messages.getBotApp",
    "messages.getChatInviteImporters",
    "messages.getChats",
    "messages.getCommonChats",
    "messages.getCustomEmojiDocuments",
    "messages.getDefaultHistoryTTL",
    "messages.getDefaultTagReactions",
    "messages.getDhConfig",
    "messages.getDialogFilters",
    "messages.getDialogUnreadMarks",
    "messages.getDialogs",
    "messages.getDiscussionMessage",
    "messages.getDocumentByHash",
    "messages.getEmojiGameInfo",
    "messages.getEmojiGroups",
    "messages.getEmojiKeywords",
    "messages.getEmojiKeywordsDifference",
    "messages.getEmojiKeywordsLanguages",
    "messages.getEmojiProfilePhotoGroups",
    "messages.getEmojiStatusGroups",
    "messages.getEmojiStickerGroups",
    "messages.getEmojiStickers",
    "messages.getEmojiURL",
    "messages.getExportedChatInvite",
    "messages.getExportedChatInvites",
    "messages.getExtendedMedia",
    "messages.getFactCheck",
    "messages.getFavedStickers",
    "messages.getFeaturedEmojiStickers",
    "messages.getFeaturedStickers",
    "messages.getForumTopics",
    "messages.getForumTopicsByID",
    "messages.getFullChat",
    "messages.getFutureChatCreatorAfterLeave",
    "messages.getGameHighScores",
    "messages.getHistory",
    "messages.getInlineGameHighScores",
    "messages.getMaskStickers",
    "messages.getMessageEditData",
    "messages.getMessageReactionsList",
    "messages.getMessageReadParticipants",
    "messages.getMessages",
    "messages.getMessagesReactions",
    "messages.getMyStickers",
    "messages.getOldFeaturedStickers",
    "messages.getOnlines",
    "messages.getOutboxReadDate",
    "messages.getPaidReactionPrivacy",
    "messages.getPeerDialogs",
    "messages.getPeerSettings",
    "messages.getPersonalChannelHistory",
    "messages.getPinnedDialogs",
    "messages.getPinnedSavedDialogs",
    "messages.getPollResults",
    "messages.getPollVotes",
    "messages.getPreparedInlineMessage",
    "messages.getQuickReplies",
    "messages.getQuickReplyMessages",
    "messages.getRecentLocations",
    "messages.getRecentReactions",
    "messages.getRecentStickers",
    "messages.getReplies",
    "messages.getRichMessage",
    "messages.getSavedDialogs",
    "messages.getSavedDialogsByID",
    "messages.getSavedGifs",
    "messages.getSavedHistory",
    "messages.getSavedReactionTags",
    "messages.getScheduledHistory",
    "messages.getScheduledMessages",
    "messages.getSearchCounters",
    "messages.getSearchResultsCalendar",
    "messages.getSearchResultsPositions",
    "messages.getSplitRanges",
    "messages.getSponsoredMessages",
    "messages.getStickerSet",
    "messages.getStickers",
    "messages.getSuggestedDialogFilters",
    "messages.getTopReactions",
    "messages.getUnreadMentions",
    "messages.getUnreadPollVotes",
    "messages.getUnreadReactions",
    "messages.getWebPage",
    "messages.getWebPagePreview",
    "messages.search",
    "messages.searchCustomEmoji",
    "messages.searchEmojiStickerSets",
    "messages.searchGlobal",
    "messages.searchSentMedia",
    "messages.searchStickerSets",
    "messages.searchStickers",
    "messages.translateRichMessage",
    "messages.translateText",
    "payments.canPurchaseStore",
    "payments.checkCanSendGift",
    "payments.checkGiftCode",
    "payments.getBankCardData",
    "payments.getConnectedStarRefBot",
    "payments.getConnectedStarRefBots",
    "payments.getCraftStarGifts",
    "payments.getCurrencyRates",
    "payments.getGiveawayInfo",
    "payments.getOnrampAvailability",
    "payments.getOnrampBaseCurrencies",
    "payments.getOnrampLimits",
    "payments.getOnrampProviders",
    "payments.getOnrampQuote",
    "payments.getPaymentForm",
    "payments.getPaymentReceipt",
    "payments.getPremiumGiftCodeOptions",
    "payments.getResaleStarGifts",
    "payments.getSavedInfo",
    "payments.getSavedStarGift",
    "payments.getSavedStarGifts",
    "payments.getStarGiftActiveAuctions",
    "payments.getStarGiftAuctionAcquiredGifts",
    "payments.getStarGiftAuctionState",
    "payments.getStarGiftCollections",
    "payments.getStarGiftUpgradeAttributes",
    "payments.getStarGiftUpgradePreview",
    "payments.getStarGifts",
    "payments.getStarsGiftOptions",
    "payments.getStarsGiveawayOptions",
    "payments.getStarsRevenueStats",
    "payments.getStarsStatus",
    "payments.getStarsSubscriptions",
    "payments.getStarsTopupOptions",
    "payments.getStarsTransactions",
    "payments.getStarsTransactionsByID",
    "payments.getSuggestedStarRefBots",
    "payments.getUniqueStarGift",
    "payments.getUniqueStarGiftValueInfo",
    "phone.checkGroupCall",
    "phone.getCallConfig",
    "phone.getGroupCall",
    "phone.getGroupCallChainBlocks",
    "phone.getGroupCallJoinAs",
    "phone.getGroupCallStars",
    "phone.getGroupCallStreamChannels",
    "phone.getGroupParticipants",
    "photos.getUserPhotos",
    "premium.getBoostsList",
    "premium.getBoostsStatus",
    "premium.getMyBoosts",
    "premium.getUserBoosts",
    "smsjobs.getSmsJob",
    "smsjobs.getStatus",
    "smsjobs.isEligibleToJoin",
    "stats.getBroadcastStats",
    "stats.getMegagroupStats",
    "stats.getMessagePublicForwards",
    "stats.getMessageStats",
    "stats.getPollStats",
    "stats.getStoryPublicForwards",
    "stats.getStoryStats",
    "stats.loadAsyncGraph",
    "stickers.checkShortName",
    "stickers.suggestShortName",
    "stories.canSendStory",
    "stories.exportStoryLink",
    "stories.getAlbumStories",
    "stories.getAlbums",
    "stories.getAllReadPeerStories",
    "stories.getAllStories",
    "stories.getChatsToSend",
    "stories.getPeerMaxIDs",
    "stories.getPeerStories",
    "stories.getPinnedStories",
    "stories.getStoriesArchive",
    "stories.getStoriesByID",
    "stories.getStoriesViews",
    "stories.getStoryReactionsList",
    "stories.getStoryViewsList",
    "stories.searchPosts",
    "toncenter.getStreamingUrl",
    "updates.getChannelDifference",
    "updates.getDifference",
    "updates.getState",
    "upload.getCdnFile",
    "upload.getCdnFileHashes",
    "upload.getFile",
    "upload.getFileHashes",
    "upload.getWebFile",
    "users.getFullUser",
    "users.getRequirementsToContact",
    "users.getSavedMusic",
    "users.getSavedMusicByID",
    "users.getUsers",
    "wallet.getBackupHolderDcs",
    "wallet.getExistingWaltBalance",
    "wallet.getGaslessInfo",
    "wallet.getNfts",
    "wallet.getProofChallenge",
    "wallet.getState",
    "wallet.getTransactions",
    "wallet.getTransactionsByIDs",
    "wallet.getTransactionsByMsgHash",
    "wallet.getUserAddresses",
    "wallet.tonConnectGetPending",
    "wallet.tonConnectGetSessions",
    "wallet.tonConnectNextEventId",
];

pub fn is_dangerous(method: &str) -> bool {
    DANGEROUS.contains(&method)
}

pub fn is_secret(method: &str) -> bool {
    SECRETS.contains(&method)
}

pub fn is_read_only(method: &str) -> bool {
    READ_ONLY.contains(&method)
}

/// The class a method is listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Reader,
    Writer,
    Dangerous,
    Secret,
    Wrapper,
}

/// Every class with its list.
pub const CLASSES: [(Class, &[&str]); 5] = [
    (Class::Reader, READ_ONLY),
    (Class::Writer, WRITERS),
    (Class::Dangerous, DANGEROUS),
    (Class::Secret, SECRETS),
    (Class::Wrapper, WRAPPERS),
];

/// The class `method` (spelled as in the schema) is listed in, if any.
pub fn class(method: &str) -> Option<Class> {
    CLASSES
        .iter()
        .find(|(_, list)| list.contains(&method))
        .map(|(class, _)| *class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::Schema;

    #[test]
    fn every_method_of_the_schema_is_in_exactly_one_class() {
        let schema = Schema::get();
        let mut unclassified = Vec::new();
        let mut twice = Vec::new();
        for def in schema.functions() {
            let classes: Vec<Class> = CLASSES
                .iter()
                .filter(|(_, list)| list.contains(&def.name.as_str()))
                .map(|(class, _)| *class)
                .collect();
            match classes.len() {
                0 => unclassified.push(def.name.as_str()),
                1 => {}
                _ => twice.push(format!("{} in {classes:?}", def.name)),
            }
        }
        assert!(
            unclassified.is_empty(),
            "classify these methods in src/tl/policy.rs (reader, writer, dangerous, secret or wrapper): {unclassified:?}"
        );
        assert!(twice.is_empty(), "in more than one class: {twice:?}");
    }

    #[test]
    fn wrappers_are_exactly_the_generic_methods() {
        for def in Schema::get().functions() {
            assert_eq!(
                def.is_generic(),
                WRAPPERS.contains(&def.name.as_str()),
                "{}",
                def.name
            );
        }
    }

    #[test]
    fn read_only_allows_exactly_the_readers() {
        // Everything else allowed, so only read-only decides (and fields added later
        // keep their defaults).
        #[allow(clippy::needless_update)]
        let read_only = crate::tl::Guard {
            read_only: true,
            allow_dangerous: true,
            allow_secrets: true,
            ..Default::default()
        };
        for def in Schema::get().functions() {
            assert_eq!(
                crate::tl::check(def, read_only).is_ok(),
                class(&def.name) == Some(Class::Reader),
                "{}",
                def.name
            );
        }
    }

    #[test]
    fn methods_found_unguarded_by_the_attack_review_are_guarded() {
        for name in [
            "auth.acceptLoginToken",
            "account.registerPasskey",
            "account.changePhone",
            "auth.importWebTokenAuthorization",
            "account.setAuthorizationTTL",
            "messages.acceptUrlAuth",
        ] {
            assert_eq!(class(name), Some(Class::Secret), "{name}");
        }
        for name in [
            "contacts.deleteContacts",
            "messages.migrateChat",
            "channels.convertToGigagroup",
            "account.updateUsername",
            "stickers.deleteStickerSet",
            "messages.clearAllDrafts",
            "phone.discardGroupCall",
            "messages.sendPaidReaction",
            "payments.fulfillStarsSubscription",
            "smsjobs.join",
        ] {
            assert_eq!(class(name), Some(Class::Dangerous), "{name}");
        }
    }

    #[test]
    fn every_listed_method_is_in_the_schema_once() {
        let schema = Schema::get();
        for (_, list) in CLASSES {
            let mut seen = std::collections::HashSet::new();
            for name in list {
                let def = schema
                    .method(name)
                    .unwrap_or_else(|| panic!("{name} is not in the schema"));
                assert_eq!(def.name, *name, "spelled as in the schema");
                assert!(seen.insert(name), "{name} listed twice");
            }
        }
        for name in READ_ONLY {
            assert!(!is_dangerous(name) && !is_secret(name), "{name}");
        }
        for name in DANGEROUS {
            assert!(!is_secret(name), "{name}");
        }
    }
}
